package dev.herald.server;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs links with an expiry, and checks them, so that a browser can fetch a private resource (an
 * export, say) from a plain link, without a header: a "pre-signed URL" served by this server.
 *
 * <pre>{@code
 * SignedLinks links = SignedLinks.create(secret);           // at least 16 random bytes
 * server.get("/jobs/:id/export", exportHandler, links.guard());
 * String href = links.sign("/jobs/42/export", Duration.ofMinutes(5));
 * // "/jobs/42/export?expires=1767225600&signature=Hn3…"
 * }</pre>
 *
 * <p>{@link #sign(String, Duration)} appends {@code expires} (seconds since the epoch) and {@code
 * signature} (HMAC-SHA256, base64url without padding) to the path and its query. The signature
 * covers the request target exactly as returned, up to {@code &signature=}: path, every query
 * parameter and the expiry. {@link #guard()} refuses a request whose target was changed in any way,
 * whose signature is missing, or whose link has expired, with {@code 403} and a short message; the
 * signature is compared in constant time.
 *
 * <p>Anyone holding a link can use it until it expires, so keep lifetimes short and serve links
 * only over HTTPS to whom may see the resource. Use a key for this purpose alone. Thread-safe.
 */
public final class SignedLinks {
  /** The query parameter carrying the expiry, in seconds since the epoch. */
  public static final String EXPIRES = "expires";

  /** The query parameter carrying the signature; always the last one. */
  public static final String SIGNATURE = "signature";

  /** The shortest key accepted: {@value} bytes; 32 random bytes are recommended. */
  public static final int MIN_KEY_BYTES = 16;

  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;
  private final Clock clock;

  private SignedLinks(SecretKeySpec key, Clock clock) {
    this.key = key;
    this.clock = clock;
  }

  /**
   * Returns signed links with the given HMAC key (copied) and the system clock.
   *
   * @throws IllegalArgumentException if the key is shorter than {@link #MIN_KEY_BYTES}
   */
  public static SignedLinks create(byte[] key) {
    return create(key, Clock.systemUTC());
  }

  /**
   * Returns signed links with the given HMAC key (copied) and the clock that sets and checks
   * expiries.
   *
   * @throws IllegalArgumentException if the key is shorter than {@link #MIN_KEY_BYTES}
   */
  public static SignedLinks create(byte[] key, Clock clock) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(clock, "clock");
    if (key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(
          "key: " + key.length + " bytes (expected: >= " + MIN_KEY_BYTES + ")");
    }
    return new SignedLinks(new SecretKeySpec(key, ALGORITHM), clock);
  }

  /**
   * Returns the path (with its query, if any) with {@code expires} and {@code signature} appended,
   * valid for {@code ttl} from now. Characters a browser would escape (spaces, non-ASCII) are
   * percent-encoded first, so that the link arrives exactly as signed.
   *
   * @throws IllegalArgumentException if the path does not start with {@code /}, has a fragment,
   *     already carries {@code expires} or {@code signature}, or the ttl is not positive
   */
  public String sign(String path, Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0)");
    }
    return sign(path, clock.instant().plus(ttl));
  }

  /**
   * Returns the path (with its query, if any) with {@code expires} and {@code signature} appended,
   * valid until the given instant (to the second); see {@link #sign(String, Duration)}.
   *
   * @throws IllegalArgumentException if the path does not start with {@code /}, has a fragment, or
   *     already carries {@code expires} or {@code signature}
   */
  public String sign(String path, Instant expiresAt) {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (!path.startsWith("/") || path.startsWith("//")) {
      throw new IllegalArgumentException("path: " + path + " (expected: starting with one /)");
    }
    if (path.indexOf('#') >= 0) {
      throw new IllegalArgumentException("path: " + path + " (expected: no fragment)");
    }
    String target = encode(path);
    int query = target.indexOf('?');
    if (query >= 0 && (hasParam(target, query, EXPIRES) || hasParam(target, query, SIGNATURE))) {
      throw new IllegalArgumentException(
          "path: " + path + " (expected: no " + EXPIRES + " or " + SIGNATURE + " parameter)");
    }
    String separator = query < 0 ? "?" : target.endsWith("?") || target.endsWith("&") ? "" : "&";
    String unsigned = target + separator + EXPIRES + "=" + expiresAt.getEpochSecond();
    return unsigned
        + "&"
        + SIGNATURE
        + "="
        + Base64.getUrlEncoder().withoutPadding().encodeToString(mac(unsigned));
  }

  /**
   * Checks a request target (path and query, as sent) signed by {@link #sign}.
   *
   * @throws HttpStatusException with 403 if the signature is missing or does not match, or the link
   *     has expired
   */
  public void verify(String target) {
    Objects.requireNonNull(target, "target");
    String path = originForm(target);
    int query = path.indexOf('?');
    int lastSeparator = Math.max(path.lastIndexOf('&'), query);
    String last = path.substring(lastSeparator + 1);
    if (query < 0 || !last.startsWith(SIGNATURE + "=")) {
      throw HttpStatusException.forbidden("missing link signature");
    }
    String signed = path.substring(0, lastSeparator);
    byte[] given;
    try {
      given = Base64.getUrlDecoder().decode(last.substring(SIGNATURE.length() + 1));
    } catch (IllegalArgumentException e) {
      throw HttpStatusException.forbidden("invalid link signature");
    }
    if (!MessageDigest.isEqual(mac(signed), given)) {
      throw HttpStatusException.forbidden("invalid link signature");
    }
    long expires = expires(signed, query);
    if (expires < 0) {
      throw HttpStatusException.forbidden("invalid link signature");
    }
    if (clock.instant().getEpochSecond() >= expires) {
      throw HttpStatusException.forbidden("link expired");
    }
  }

  /**
   * Returns a guard that lets through only requests whose target {@link #verify verifies}; it
   * establishes no principal.
   */
  public Guard guard() {
    return request -> {
      verify(request.uri());
      return null;
    };
  }

  private byte[] mac(String text) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** Returns the value of the last parameter of a signed target, {@code expires}, or -1. */
  private static long expires(String signed, int query) {
    int separator = Math.max(signed.lastIndexOf('&'), query);
    String last = signed.substring(separator + 1);
    if (separator < query || !last.startsWith(EXPIRES + "=")) {
      return -1;
    }
    String digits = last.substring(EXPIRES.length() + 1);
    if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(Character::isDigit)) {
      return -1;
    }
    return Long.parseLong(digits);
  }

  private static boolean hasParam(String target, int query, String name) {
    for (String param : target.substring(query + 1).split("&")) {
      if (param.equals(name) || param.startsWith(name + "=")) {
        return true;
      }
    }
    return false;
  }

  /** Returns the path and query of a target in absolute form ({@code http://host/path?q}). */
  private static String originForm(String target) {
    if (target.startsWith("/")) {
      return target;
    }
    int scheme = target.indexOf("://");
    int path = scheme < 0 ? -1 : target.indexOf('/', scheme + 3);
    return path < 0 ? "/" : target.substring(path);
  }

  /** Percent-encodes, as UTF-8, every character not allowed in a path or query (RFC 3986). */
  private static String encode(String path) {
    StringBuilder out = new StringBuilder(path.length());
    byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      int c = bytes[i] & 0xff;
      boolean escape =
          c == '%' && i + 2 < bytes.length && isHex(bytes[i + 1]) && isHex(bytes[i + 2]);
      if (escape || isAllowed(c)) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        out.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  private static boolean isAllowed(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "-._~!$&'()*+,;=:@/?".indexOf(c) >= 0;
  }

  private static boolean isHex(byte b) {
    return Character.digit(b, 16) >= 0;
  }
}
