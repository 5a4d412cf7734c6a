package io.mailplane.fetchmail;

import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where fetchmail may connect. A remote host is chosen by the API caller, so without this a token
 * scoped to one domain could make the server connect to its own loopback services, the LAN or a
 * cloud metadata endpoint, and read which ports are open from the run's outcome. Loopback, private,
 * shared (CGNAT), link-local, unspecified, multicast and reserved addresses are refused, in every
 * notation (IPv4-mapped, NAT64 and 6to4 IPv6 carry an IPv4 address that is judged itself), unless
 * {@code mailplane.fetchmail.allowed-networks} lists them. The service checks at write time; the
 * runner checks again just before each run and pins fetchmail to the address it checked.
 */
@ApplicationScoped
@Startup
public class Destinations {
  /** A host fetchmail may not reach; the message names the kind of address, fit for a 400. */
  public static final class RefusedException extends Exception {
    RefusedException(String message) {
      super(message);
    }
  }

  /** An address range: the first {@code bits} bits of {@code prefix}. */
  record Network(byte[] prefix, int bits) {
    static Network parse(String cidr) {
      String text = cidr.strip();
      int slash = text.indexOf('/');
      String address = slash < 0 ? text : text.substring(0, slash);
      String lower = address.toLowerCase(java.util.Locale.ROOT);
      InetAddress parsed =
          lower.indexOf(':') >= 0 || RcFile.isDottedQuad(lower) ? literal(lower) : null;
      if (parsed == null) {
        throw new IllegalArgumentException("not an IP address: " + address);
      }
      byte[] bytes = parsed.getAddress();
      int bits;
      try {
        bits = slash < 0 ? bytes.length * 8 : Integer.parseInt(text.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a prefix length: " + text);
      }
      if (bits < 0 || bits > bytes.length * 8) {
        throw new IllegalArgumentException("prefix length out of range: " + text);
      }
      return new Network(bytes, bits);
    }

    boolean contains(InetAddress address) {
      byte[] bytes = address.getAddress();
      if (bytes.length != prefix.length) {
        return false;
      }
      for (int i = 0; i < bits; i++) {
        int mask = 0x80 >>> (i % 8);
        if ((bytes[i / 8] & mask) != (prefix[i / 8] & mask)) {
          return false;
        }
      }
      return true;
    }
  }

  private record Range(Network network, String kind) {}

  /** Not public, or not a unicast destination at all (IANA special-purpose registries). */
  private static final List<Range> REFUSED =
      List.of(
          range("0.0.0.0/8", "an unspecified (this-network) address"),
          range("10.0.0.0/8", "a private address"),
          range("100.64.0.0/10", "a shared (carrier-grade NAT) address"),
          range("127.0.0.0/8", "a loopback address"),
          range("169.254.0.0/16", "a link-local address"),
          range("172.16.0.0/12", "a private address"),
          range("192.0.0.0/24", "an IETF protocol address"),
          range("192.168.0.0/16", "a private address"),
          range("198.18.0.0/15", "a benchmarking address"),
          range("224.0.0.0/4", "a multicast address"),
          range("240.0.0.0/4", "a reserved or broadcast address"),
          range("::/128", "an unspecified address"),
          range("::1/128", "a loopback address"),
          range("::/96", "an IPv4-compatible (deprecated) address"),
          range("64:ff9b:1::/48", "a local-use NAT64 address"),
          range("100::/64", "a discard-only address"),
          range("fc00::/7", "a unique local (private) address"),
          range("fe80::/10", "a link-local address"),
          range("fec0::/10", "a site-local address"),
          range("ff00::/8", "a multicast address"));

  /**
   * ::ffff:0:0/96, built from bytes: Java parses an IPv4-mapped address to an Inet4Address (so most
   * arrive as IPv4 already), but an Inet6Address made from raw bytes keeps the mapped form.
   */
  private static final Network MAPPED =
      new Network(
          new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0}, 96);

  private static final Network NAT64 = Network.parse("64:ff9b::/96");
  private static final Network SIX_TO_FOUR = Network.parse("2002::/16");

  @Inject FetchmailConfig config;

  List<Network> allowed = List.of();

  @PostConstruct
  void init() {
    try {
      allowed = networks(config.allowedNetworks().orElse(List.of()));
    } catch (IllegalArgumentException e) {
      // Fail at startup: a typo must not silently refuse (or allow) a network.
      throw new IllegalArgumentException(
          "mailplane.fetchmail.allowed-networks: " + e.getMessage(), e);
    }
  }

  static List<Network> networks(List<String> cidrs) {
    List<Network> networks = new ArrayList<>();
    for (String cidr : cidrs) {
      if (!cidr.isBlank()) {
        networks.add(Network.parse(cidr));
      }
    }
    return List.copyOf(networks);
  }

  /** Why fetchmail may not connect to the address, or null when it may. */
  String refusal(InetAddress address) {
    InetAddress embedded = embeddedIpv4(address);
    for (Network network : allowed) {
      if (network.contains(address) || (embedded != null && network.contains(embedded))) {
        return null;
      }
    }
    if (embedded != null) {
      String inner = refusal(embedded);
      if (inner != null) {
        return inner;
      }
    }
    for (Range range : REFUSED) {
      if (range.network().contains(address)) {
        return range.kind();
      }
    }
    return null;
  }

  /**
   * Write-time check of a normalized host: a literal is judged as it is; a name by what it resolves
   * to now, when it resolves (one that does not is checked again before every run).
   *
   * @return a message for a 400, or null
   */
  public String check(String host) {
    try {
      resolve(host);
      return null;
    } catch (RefusedException e) {
      return e.getMessage();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /**
   * Resolves the host, checks every address it has, and returns the one fetchmail is to connect to
   * (fetchmail then never resolves the name itself, so an answer that changes after this check is
   * never used).
   */
  InetAddress resolve(String host) throws RefusedException, UnknownHostException {
    String normalized = RcFile.normalizeHost(host);
    InetAddress literal = literal(normalized);
    InetAddress[] addresses =
        literal != null ? new InetAddress[] {literal} : InetAddress.getAllByName(normalized);
    for (InetAddress address : addresses) {
      String why = refusal(address);
      if (why != null) {
        String what =
            literal != null ? "is " + why : "resolves to " + address.getHostAddress() + ", " + why;
        throw new RefusedException(
            what
                + ", which fetchmail may not connect to (unless"
                + " mailplane.fetchmail.allowed-networks lists it)");
      }
    }
    return addresses[0];
  }

  /** The address an IP literal denotes (no DNS lookup), or null for a host name. */
  static InetAddress literal(String host) {
    boolean v6 = host.indexOf(':') >= 0;
    if (!v6 && !host.matches("[0-9.]+")) {
      return null;
    }
    if (v6) {
      try {
        // With a colon getByName only parses, it never asks DNS.
        return InetAddress.getByName(host.startsWith("[") ? host : "[" + host + "]");
      } catch (UnknownHostException e) {
        return null;
      }
    }
    long value = RcFile.inetAton(host);
    if (value < 0) {
      return null;
    }
    byte[] bytes =
        new byte[] {
          (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value
        };
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** The IPv4 address an IPv4-mapped, NAT64 or 6to4 IPv6 address carries, or null. */
  static InetAddress embeddedIpv4(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return null;
    }
    byte[] b = address.getAddress();
    byte[] v4;
    if (MAPPED.contains(address) || NAT64.contains(address)) {
      v4 = Arrays.copyOfRange(b, 12, 16);
    } else if (SIX_TO_FOUR.contains(address)) {
      v4 = Arrays.copyOfRange(b, 2, 6);
    } else {
      return null;
    }
    try {
      return (Inet4Address) InetAddress.getByAddress(v4);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static Range range(String cidr, String kind) {
    return new Range(Network.parse(cidr), kind);
  }
}
