package io.mailplane.dns;

import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.createDomain;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mailplane.NeedsDaemons;
import io.mailplane.mailflow.FilterWorld;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * What the seed's DNS wizard checks beyond MX/SPF/DKIM/DMARC, against the test world's real Unbound
 * (records added with unbound-control): A/AAAA of the mail host, the PTR of each address it has,
 * the autoconfig/autodiscover CNAMEs and the RFC 6186 SRV records.
 */
@NeedsDaemons
@QuarkusTest
@TestProfile(MailHostDnsTest.UnboundProfile.class)
class MailHostDnsTest {
  /** Unique per run, so runs sharing the Unbound do not see each other's records. */
  static final String HOST =
      "mx" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 8) + ".clients.test";

  public static class UnboundProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      String port = System.getenv().getOrDefault("MAILPLANE_DNS_PORT", "5353");
      System.setProperty("mailplane.test.mail-host", HOST);
      return Map.of(
          "mailplane.dns.resolver", "127.0.0.1:" + port,
          "mailplane.dns.timeout", "2s",
          "mailplane.dns.mail-hostname", HOST,
          "mailplane.dns.autoconfig", "true",
          "mailplane.autoconfig.imaps-port", "993",
          "mailplane.autoconfig.submissions-port", "465");
    }
  }

  @Test
  void mailHostAddressesPtrsAutoconfigAndSrvAreChecked() throws Exception {
    String host = System.getProperty("mailplane.test.mail-host");
    String domain = createDomain();
    int octet = ThreadLocalRandom.current().nextInt(1, 250);
    String good = "203.0.113." + octet;
    String bad = "203.0.113." + (octet + 1);
    List<String> names =
        List.of(
            host,
            octet + ".113.0.203.in-addr.arpa",
            (octet + 1) + ".113.0.203.in-addr.arpa",
            "autoconfig." + domain,
            "_imaps._tcp." + domain,
            "_imap._tcp." + domain,
            "_submission._tcp." + domain);
    try {
      FilterWorld.localData(host + ". 1 IN A " + good);
      FilterWorld.localData(host + ". 1 IN A " + bad);
      FilterWorld.localData(octet + ".113.0.203.in-addr.arpa. 1 IN PTR " + host + ".");
      FilterWorld.localData((octet + 1) + ".113.0.203.in-addr.arpa. 1 IN PTR other.clients.test.");
      FilterWorld.localData("autoconfig." + domain + ". 1 IN CNAME " + host + ".");
      FilterWorld.localData("_imaps._tcp." + domain + ". 1 IN SRV 0 1 993 " + host + ".");
      FilterWorld.localData("_imap._tcp." + domain + ". 1 IN SRV 10 1 1143 " + host + ".");
      FilterWorld.localData("_submission._tcp." + domain + ". 1 IN SRV 10 1 587 " + host + ".");

      JsonPath report =
          admin()
              .queryParam("check", "true")
              .get("/api/v1/domains/" + domain + "/dns")
              .then()
              .statusCode(200)
              .extract()
              .jsonPath();
      assertEquals("ok", status(report, host, "A"));
      assertEquals("*", report.getString(at(host, "A") + ".value"));
      assertEquals(
          java.util.Set.of(good, bad),
          java.util.Set.copyOf(report.getList(at(host, "A") + ".check.found", String.class)));
      assertEquals("missing", status(report, host, "AAAA"));
      assertEquals("ok", status(report, octet + ".113.0.203.in-addr.arpa", "PTR"));
      assertEquals("different", status(report, (octet + 1) + ".113.0.203.in-addr.arpa", "PTR"));
      assertEquals(
          List.of("other.clients.test"),
          report.getList(at((octet + 1) + ".113.0.203.in-addr.arpa", "PTR") + ".check.found"));
      assertEquals("ok", status(report, "autoconfig." + domain, "CNAME"));
      assertEquals("missing", status(report, "autodiscover." + domain, "CNAME"));
      assertEquals(
          "0 1 993 " + host, report.getString(at("_imaps._tcp." + domain, "SRV") + ".value"));
      assertEquals("ok", status(report, "_imaps._tcp." + domain, "SRV"));
      assertEquals("different", status(report, "_imap._tcp." + domain, "SRV"), "port 1143 ≠ 143");
      assertEquals("ok", status(report, "_submission._tcp." + domain, "SRV"));
      assertEquals("missing", status(report, "_submissions._tcp." + domain, "SRV"));
    } finally {
      for (String name : names) {
        FilterWorld.removeLocalData(name);
      }
    }
  }

  private static String at(String name, String type) {
    return "records.find { it.name == '" + name + "' && it.type == '" + type + "' }";
  }

  private static String status(JsonPath report, String name, String type) {
    return report.getString(at(name, type) + ".check.status");
  }
}
