package dev.herald.load;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Lists the local IPv4 addresses a load run binds its connections to, in turn, so that one process
 * can open more connections to one server port than one source address has ephemeral ports.
 *
 * <p>On Linux every address of {@code 127.0.0.0/8} belongs to the loopback interface, so {@code
 * 127.0.0.2-127.0.0.40} gives 39 source addresses without any set-up. Immutable and thread-safe.
 */
public final class SourceAddresses {
  /** The default range for a server on loopback: {@value}. */
  public static final String DEFAULT_LOOPBACK_RANGE = "127.0.0.2-127.0.0.40";

  /** The most addresses one range may hold: {@value}. */
  public static final int MAX_ADDRESSES = 65_536;

  private static final SourceAddresses NONE = new SourceAddresses(List.of());

  private final List<InetAddress> addresses;

  private SourceAddresses(List<InetAddress> addresses) {
    this.addresses = List.copyOf(addresses);
  }

  /** Returns the empty list: connections leave from whatever address the kernel picks. */
  public static SourceAddresses none() {
    return NONE;
  }

  /**
   * Returns the addresses of a specification: comma-separated IPv4 addresses or inclusive ranges
   * {@code FIRST-LAST}, such as {@code 127.0.0.2-127.0.0.40} or {@code 10.0.0.1,10.0.0.2}.
   *
   * @throws IllegalArgumentException if a part is not an IPv4 address or range, a range runs
   *     backwards, or there are more than {@link #MAX_ADDRESSES} addresses
   */
  public static SourceAddresses parse(String spec) {
    Objects.requireNonNull(spec, "spec");
    List<InetAddress> result = new ArrayList<>();
    for (String part : spec.split(",", -1)) {
      String p = part.strip();
      int dash = p.indexOf('-');
      long first = ipv4(dash < 0 ? p : p.substring(0, dash), spec);
      long last = dash < 0 ? first : ipv4(p.substring(dash + 1), spec);
      if (last < first) {
        throw new IllegalArgumentException(
            "source addresses: '" + p + "' (expected: first address <= last address)");
      }
      if (result.size() + (last - first + 1) > MAX_ADDRESSES) {
        throw new IllegalArgumentException(
            "source addresses: '" + spec + "' (expected: at most " + MAX_ADDRESSES + ")");
      }
      for (long a = first; a <= last; a++) {
        result.add(address(a));
      }
    }
    return new SourceAddresses(result);
  }

  /** Returns how many addresses there are; 0 means connections are not bound. */
  public int size() {
    return addresses.size();
  }

  /** Returns the address for the {@code index}-th connection (round-robin). */
  public InetAddress get(int index) {
    return addresses.get(Math.floorMod(index, addresses.size()));
  }

  @Override
  public String toString() {
    if (addresses.isEmpty()) {
      return "none";
    }
    String first = addresses.get(0).getHostAddress();
    return addresses.size() == 1
        ? first
        : first + "-" + addresses.get(addresses.size() - 1).getHostAddress() + " (" + size() + ")";
  }

  private static long ipv4(String text, String spec) {
    String[] octets = text.strip().split("\\.", -1);
    if (octets.length != 4) {
      throw invalid(text, spec);
    }
    long value = 0;
    for (String o : octets) {
      if (o.isEmpty() || o.length() > 3 || !o.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw invalid(text, spec);
      }
      int octet = Integer.parseInt(o);
      if (octet > 255) {
        throw invalid(text, spec);
      }
      value = value << 8 | octet;
    }
    return value;
  }

  private static IllegalArgumentException invalid(String text, String spec) {
    return new IllegalArgumentException(
        "source addresses: '"
            + text.strip()
            + "' in '"
            + spec
            + "' (expected: IPv4 addresses or ranges, e.g. "
            + DEFAULT_LOOPBACK_RANGE
            + ")");
  }

  private static InetAddress address(long value) {
    byte[] bytes = {
      (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value
    };
    try {
      return (Inet4Address) InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new AssertionError("four bytes are always an address", e);
    }
  }
}
