package io.mailplane.fetchmail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which destinations fetchmail may reach, in every notation, with and without an allow-list. */
class DestinationsTest {
  /** Loopback, private, link-local, unspecified, ... in the notations the C library accepts. */
  static final List<String> REFUSED =
      List.of(
          "127.0.0.1",
          "127.0.0.2",
          "::1",
          "0:0:0:0:0:0:0:1",
          "localhost",
          "169.254.169.254",
          "0.0.0.0",
          "0",
          "2130706433",
          "0x7f000001",
          "0177.0.0.1",
          "127.1",
          "127.000.000.001",
          "0xa9.0xfe.0xa9.0xfe",
          "::",
          "::ffff:127.0.0.1",
          "::ffff:7f00:1",
          "::ffff:a9fe:a9fe",
          "::127.0.0.1",
          "64:ff9b::7f00:1",
          "2002:a9fe:a9fe::1",
          "fe80::1",
          "fc00::1",
          "fd00:ec2::254",
          "fec0::1",
          "ff02::1",
          "10.0.0.1",
          "172.16.0.1",
          "172.31.255.255",
          "192.168.1.1",
          "100.64.0.1",
          "100.100.100.200",
          "192.0.0.170",
          "198.18.0.1",
          "224.0.0.1",
          "239.255.255.250",
          "240.0.0.1",
          "255.255.255.255");

  static final List<String> PUBLIC =
      List.of(
          "8.8.8.8",
          "1.1.1.1",
          "172.32.0.1",
          "100.128.0.1",
          "192.0.2.1",
          "2001:4860:4860::8888",
          "::ffff:8.8.8.8",
          "64:ff9b::808:808",
          "2002:808:808::1",
          // Does not resolve here: checked again before each run.
          "imap.example.invalid");

  static Destinations with(String... allowed) {
    Destinations destinations = new Destinations();
    destinations.allowed = Destinations.networks(List.of(allowed));
    return destinations;
  }

  @Test
  void nonPublicDestinationsAreRefusedInEveryNotation() {
    Destinations none = with();
    for (String host : REFUSED) {
      String why = none.check(RcFile.normalizeHost(host));
      assertNotNull(why, host + " was accepted");
      assertThrows(
          Destinations.RefusedException.class, () -> none.resolve(RcFile.normalizeHost(host)));
    }
    for (String host : PUBLIC) {
      assertNull(none.check(RcFile.normalizeHost(host)), host);
    }
    assertEquals(
        "is a loopback address, which fetchmail may not connect to (unless"
            + " mailplane.fetchmail.allowed-networks lists it)",
        none.check(RcFile.normalizeHost("0x7f000001")));
  }

  @Test
  void theAllowListOpensExactlyItsNetworks() throws Exception {
    Destinations lan = with("127.0.0.0/8", "::1", "192.168.10.0/24");
    for (String host :
        List.of(
            "127.0.0.1", "2130706433", "::1", "localhost", "::ffff:127.0.0.1", "192.168.10.7")) {
      assertNull(lan.check(RcFile.normalizeHost(host)), host);
    }
    assertEquals("192.168.10.7", lan.resolve("192.168.10.7").getHostAddress());
    for (String host : List.of("192.168.11.1", "10.0.0.1", "169.254.169.254", "fe80::1", "::")) {
      assertNotNull(lan.check(RcFile.normalizeHost(host)), host);
    }
  }

  @Test
  void aBadAllowListIsRejected() {
    for (String bad : List.of("10.0.0.0/33", "::/129", "example.com/8", "10.0.0.0/x", "1.2.3")) {
      assertThrows(IllegalArgumentException.class, () -> with(bad), bad);
    }
  }
}
