package dev.herald.server;

import java.io.InputStream;
import java.net.URLConnection;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * A download a {@link Handler} returns: the bytes of a file, an {@link InputStream} or a publisher
 * of byte buffers, with the headers that describe them.
 *
 * <pre>{@code
 * .get("/reports/:id", r -> StreamableFile.of(reports.path(r.pathParam("id")))
 *     .attachment("Quarterly report.pdf"))
 * .get("/jobs/:id/export", r -> StreamableFile.of(csvRows(r.pathParam("id")))
 *     .contentType("text/csv; charset=utf-8")
 *     .attachment("export.csv"))
 * }</pre>
 *
 * <p>What the server does with each source:
 *
 * <ul>
 *   <li>A {@link Path} is opened when the response is sent. It gets {@code ETag} (strong, from its
 *       size and modification time), {@code Last-Modified}, {@code Accept-Ranges: bytes}, and the
 *       server answers conditional requests ({@code If-None-Match}, {@code If-Modified-Since},
 *       {@code If-Match}, {@code If-Unmodified-Since}) and single byte ranges ({@code Range},
 *       {@code If-Range}) by RFC 9110. A missing file is a {@code 404}, a file that cannot be read
 *       a {@code 500}. On plain HTTP/1.1 the file goes out zero-copy ({@code sendfile}); it is
 *       never compressed. The instance may be returned any number of times.
 *   <li>An {@link InputStream} is read on the handler executor, never on an event loop, a chunk at
 *       a time as the client takes the bytes, and closed when the response ends, fails, or the
 *       client goes away (after the read in progress, if any, returns: a stream is never closed
 *       while another thread reads it). It can be sent once.
 *   <li>A publisher ({@link Flow.Publisher} or {@code org.reactivestreams.Publisher}) of {@link
 *       ByteBuffer}s is subscribed to when the response is sent; demand follows the socket, and the
 *       subscription is cancelled when the client goes away. Each buffer's remaining bytes are
 *       copied when it arrives, so the publisher may reuse it afterwards.
 * </ul>
 *
 * <p>A stream or publisher that fails before its first byte becomes a normal status response (the
 * status of an {@link HttpStatusException}, otherwise {@code 500}). Once bytes have been sent, a
 * failure, or a source shorter or longer than its declared length, aborts the connection, so the
 * client sees a failed download and never a truncated file that looks complete. A response to
 * {@code HEAD} carries the same headers and no body; a stream is then closed unread and a publisher
 * not subscribed to.
 *
 * <p>Instances are immutable; the methods that configure return new instances. Header values may
 * not contain CR or LF.
 */
public final class StreamableFile {
  /** The content type when none is set and none can be guessed from a file name. */
  public static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";

  /**
   * The default {@code Cache-Control} of a file: {@value}, so that a browser may keep it but asks
   * again before each use, which costs a {@code 304} while the file is unchanged.
   */
  public static final String DEFAULT_FILE_CACHE_CONTROL = "private, no-cache";

  /**
   * The default {@code Cache-Control} of a stream or publisher, typically a generated export:
   * {@value}, so that no shared cache keeps it.
   */
  public static final String DEFAULT_STREAM_CACHE_CONTROL = "private";

  private enum Disposition {
    NONE,
    INLINE,
    ATTACHMENT
  }

  private final Object source;
  private final long length;
  private final @Nullable String contentType;
  private final Disposition disposition;
  private final @Nullable String filename;
  private final String cacheControl;
  private final List<Map.Entry<String, String>> headers;

  private StreamableFile(
      Object source,
      long length,
      @Nullable String contentType,
      Disposition disposition,
      @Nullable String filename,
      String cacheControl,
      List<Map.Entry<String, String>> headers) {
    this.source = source;
    this.length = length;
    this.contentType = contentType;
    this.disposition = disposition;
    this.filename = filename;
    this.cacheControl = cacheControl;
    this.headers = List.copyOf(headers);
  }

  private static StreamableFile create(Object source, long length, String cacheControl) {
    return new StreamableFile(
        source, length, null, Disposition.NONE, null, cacheControl, List.of());
  }

  /**
   * Returns a download of the file at the path, with {@link #DEFAULT_FILE_CACHE_CONTROL}; its
   * content type is guessed from its name. The file is opened, and its length read, only when the
   * response is sent. The path is served as given: resolve a name from a request against a base
   * directory, normalize it, and check that it stays inside before returning it.
   */
  public static StreamableFile of(Path path) {
    Objects.requireNonNull(path, "path");
    return create(path, -1, DEFAULT_FILE_CACHE_CONTROL);
  }

  /**
   * Returns a download of the stream's bytes up to its end, of unknown length (sent chunked), with
   * {@link #DEFAULT_STREAM_CACHE_CONTROL}. The server closes the stream.
   */
  public static StreamableFile of(InputStream stream) {
    Objects.requireNonNull(stream, "stream");
    return create(stream, -1, DEFAULT_STREAM_CACHE_CONTROL);
  }

  /**
   * Returns a download of exactly {@code length} bytes of the stream (sent with {@code
   * Content-Length}), with {@link #DEFAULT_STREAM_CACHE_CONTROL}. Bytes past the length are not
   * read; a stream that ends early aborts the download. The server closes the stream.
   *
   * @throws IllegalArgumentException if the length is negative
   */
  public static StreamableFile of(InputStream stream, long length) {
    Objects.requireNonNull(stream, "stream");
    return create(stream, checkLength(length), DEFAULT_STREAM_CACHE_CONTROL);
  }

  /**
   * Returns a download of the buffers the publisher emits, of unknown length (sent chunked), with
   * {@link #DEFAULT_STREAM_CACHE_CONTROL}.
   */
  @SuppressWarnings("overloads") // a publisher is an object, hardly ever a lambda
  public static StreamableFile of(Flow.Publisher<? extends ByteBuffer> publisher) {
    Objects.requireNonNull(publisher, "publisher");
    return create(publisher, -1, DEFAULT_STREAM_CACHE_CONTROL);
  }

  /**
   * Returns a download of the buffers the publisher emits, exactly {@code length} bytes in all
   * (sent with {@code Content-Length}), with {@link #DEFAULT_STREAM_CACHE_CONTROL}. A publisher
   * that emits more or fewer bytes aborts the download.
   *
   * @throws IllegalArgumentException if the length is negative
   */
  @SuppressWarnings("overloads") // a publisher is an object, hardly ever a lambda
  public static StreamableFile of(Flow.Publisher<? extends ByteBuffer> publisher, long length) {
    Objects.requireNonNull(publisher, "publisher");
    return create(publisher, checkLength(length), DEFAULT_STREAM_CACHE_CONTROL);
  }

  /**
   * Returns a download of the buffers a Reactive Streams publisher (Reactor, RxJava, Mutiny) emits,
   * of unknown length; see {@link #of(Flow.Publisher)}.
   */
  @SuppressWarnings("overloads") // see of(Flow.Publisher)
  public static StreamableFile of(org.reactivestreams.Publisher<? extends ByteBuffer> publisher) {
    Objects.requireNonNull(publisher, "publisher");
    return create(publisher, -1, DEFAULT_STREAM_CACHE_CONTROL);
  }

  /**
   * Returns a download of exactly {@code length} bytes a Reactive Streams publisher emits; see
   * {@link #of(Flow.Publisher, long)}.
   *
   * @throws IllegalArgumentException if the length is negative
   */
  @SuppressWarnings("overloads") // see of(Flow.Publisher)
  public static StreamableFile of(
      org.reactivestreams.Publisher<? extends ByteBuffer> publisher, long length) {
    Objects.requireNonNull(publisher, "publisher");
    return create(publisher, checkLength(length), DEFAULT_STREAM_CACHE_CONTROL);
  }

  /**
   * Returns a copy with the given {@code Content-Type}, such as {@code text/csv; charset=utf-8}.
   *
   * @throws IllegalArgumentException if the value contains CR or LF
   */
  public StreamableFile contentType(String contentType) {
    checkHeaderText("contentType", contentType);
    return new StreamableFile(
        source, length, contentType, disposition, filename, cacheControl, headers);
  }

  /**
   * Returns a copy sent as {@code Content-Disposition: attachment} (the browser saves it), named
   * after the file for a {@link Path} and without a name otherwise.
   */
  public StreamableFile attachment() {
    return new StreamableFile(
        source, length, contentType, Disposition.ATTACHMENT, null, cacheControl, headers);
  }

  /**
   * Returns a copy sent as {@code Content-Disposition: attachment} with the given file name (RFC
   * 6266): a name that is not plain ASCII is sent as {@code filename*=UTF-8''…} (RFC 8187) with an
   * ASCII approximation in {@code filename} for old clients.
   *
   * @throws IllegalArgumentException if the name is empty
   */
  public StreamableFile attachment(String filename) {
    return new StreamableFile(
        source,
        length,
        contentType,
        Disposition.ATTACHMENT,
        checkFilename(filename),
        cacheControl,
        headers);
  }

  /** Returns a copy sent as {@code Content-Disposition: inline} (the browser shows it). */
  public StreamableFile inline() {
    return new StreamableFile(
        source, length, contentType, Disposition.INLINE, null, cacheControl, headers);
  }

  /**
   * Returns a copy sent as {@code Content-Disposition: inline} with the given file name, used if
   * the user saves it; see {@link #attachment(String)} for how the name is sent.
   *
   * @throws IllegalArgumentException if the name is empty
   */
  public StreamableFile inline(String filename) {
    return new StreamableFile(
        source,
        length,
        contentType,
        Disposition.INLINE,
        checkFilename(filename),
        cacheControl,
        headers);
  }

  /**
   * Returns a copy with the given {@code Cache-Control}, such as {@code no-store} or {@code public,
   * max-age=86400}; replaces the default.
   *
   * @throws IllegalArgumentException if the value contains CR or LF
   */
  public StreamableFile cacheControl(String cacheControl) {
    checkHeaderText("cacheControl", cacheControl);
    return new StreamableFile(
        source, length, contentType, disposition, filename, cacheControl, headers);
  }

  /**
   * Returns a copy that sends one more header with the response (not with a {@code 304} or {@code
   * 416}). The headers the server sets for a download ({@code Content-Type}, {@code
   * Content-Length}, {@code Content-Range}, {@code Content-Disposition}, {@code Cache-Control},
   * {@code ETag}, {@code Last-Modified}, {@code Accept-Ranges}) are set through their own methods
   * and cannot be added here.
   *
   * @throws IllegalArgumentException if the name or value contains CR or LF, or names a header the
   *     server sets
   */
  public StreamableFile header(String name, String value) {
    checkHeaderText("name", name);
    checkHeaderText("value", value);
    if (isManaged(name)) {
      throw new IllegalArgumentException("header: " + name + " (set by the server for downloads)");
    }
    List<Map.Entry<String, String>> more = new ArrayList<>(headers);
    more.add(Map.entry(name, value));
    return new StreamableFile(
        source, length, contentType, disposition, filename, cacheControl, more);
  }

  /**
   * Returns the source: a {@link Path}, an {@link InputStream}, a {@link Flow.Publisher} or an
   * {@code org.reactivestreams.Publisher}.
   */
  public Object source() {
    return source;
  }

  /**
   * Returns the declared length in bytes, or {@code -1} if it is unknown: always for a {@link Path}
   * (its length is read when the response is sent) and for a source created without one.
   */
  public long length() {
    return length;
  }

  /**
   * Returns the content type: the one set, otherwise one guessed from the file name (the
   * disposition's name, else the path's), otherwise {@link #DEFAULT_CONTENT_TYPE}.
   */
  public String contentType() {
    if (contentType != null) {
      return contentType;
    }
    String name = filename != null ? filename : pathName();
    String guessed = name == null ? null : URLConnection.getFileNameMap().getContentTypeFor(name);
    return guessed != null ? guessed : DEFAULT_CONTENT_TYPE;
  }

  /** Returns the {@code Cache-Control} value sent with the download. */
  public String cacheControl() {
    return cacheControl;
  }

  /**
   * Returns the {@code Content-Disposition} value sent with the download, or null if none is sent
   * (neither {@link #attachment()} nor {@link #inline()} was called).
   */
  public @Nullable String contentDisposition() {
    if (disposition == Disposition.NONE) {
      return null;
    }
    String type = disposition == Disposition.ATTACHMENT ? "attachment" : "inline";
    String name = filename != null ? filename : pathName();
    return name == null ? type : type + "; " + filenameParameters(name);
  }

  /** Returns the headers added with {@link #header(String, String)}, in order. */
  public List<Map.Entry<String, String>> headers() {
    return headers;
  }

  @Override
  public String toString() {
    return "StreamableFile[" + source.getClass().getSimpleName() + ", " + contentType() + "]";
  }

  private @Nullable String pathName() {
    if (source instanceof Path) {
      Path name = ((Path) source).getFileName();
      return name == null ? null : name.toString();
    }
    return null;
  }

  /**
   * Returns {@code filename="…"} with an ASCII approximation of the name, followed by {@code
   * filename*=UTF-8''…} when the approximation differs from the name (RFC 6266 §4.3, RFC 8187).
   */
  private static String filenameParameters(String name) {
    StringBuilder ascii = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); ) {
      int c = name.codePointAt(i);
      i += Character.charCount(c);
      // Quotes and backslashes would need escaping that some browsers get wrong; '%' is read as
      // an escape by some; control characters never belong in a header.
      boolean plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '%';
      ascii.append(plain ? (char) c : '_');
    }
    String fallback = "filename=\"" + ascii + "\"";
    if (ascii.toString().equals(name)) {
      return fallback;
    }
    return fallback + "; filename*=UTF-8''" + percentEncode(name);
  }

  private static String percentEncode(String text) {
    StringBuilder out = new StringBuilder();
    for (byte b : text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (isAttrChar(c)) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        out.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  /** Returns whether the byte is an {@code attr-char} of RFC 8187 §3.2.1. */
  private static boolean isAttrChar(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "!#$&+-.^_`|~".indexOf(c) >= 0;
  }

  private static boolean isManaged(String name) {
    switch (name.toLowerCase(java.util.Locale.ROOT)) {
      case "content-type":
      case "content-length":
      case "content-range":
      case "content-disposition":
      case "content-encoding":
      case "transfer-encoding":
      case "cache-control":
      case "etag":
      case "last-modified":
      case "accept-ranges":
        return true;
      default:
        return false;
    }
  }

  private static long checkLength(long length) {
    if (length < 0) {
      throw new IllegalArgumentException("length: " + length + " (expected: >= 0)");
    }
    return length;
  }

  private static String checkFilename(String filename) {
    Objects.requireNonNull(filename, "filename");
    if (filename.isEmpty()) {
      throw new IllegalArgumentException("filename: empty (expected: a name)");
    }
    return filename;
  }

  private static void checkHeaderText(String what, String text) {
    Objects.requireNonNull(text, what);
    if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) {
      throw new IllegalArgumentException(what + " contains CR or LF: " + text.strip());
    }
  }
}
