package io.mailplane.dns;

import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.createDomain;
import static org.hamcrest.Matchers.equalTo;

import io.mailplane.NeedsDaemons;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;

/**
 * Live checks against a FAKE DNS SERVER: a small dnsjava-based UDP responder started by this test
 * on a free loopback port (unbound is not installed here). It answers from an in-memory zone,
 * NXDOMAIN otherwise, and never answers names under "silent." so timeouts can be observed. The
 * application's real resolver path (dnsjava SimpleResolver over UDP) is exercised unchanged.
 */
@NeedsDaemons
@QuarkusTest
@TestProfile(DnsCheckTest.FakeDnsProfile.class)
class DnsCheckTest {
  static final Map<String, List<Record>> ZONE = new ConcurrentHashMap<>();
  static DatagramSocket socket;

  public static class FakeDnsProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      int port;
      try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
        port = probe.getLocalPort();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      System.setProperty("mailplane.test.fake-dns-port", Integer.toString(port));
      return Map.of(
          "mailplane.dns.resolver", "127.0.0.1:" + port,
          "mailplane.dns.timeout", "1s",
          "mailplane.dns.mail-hostname", "mx.mailplane.test",
          "mailplane.dns.tls-rpt.enabled", "true");
    }
  }

  @BeforeAll
  static void startFakeDns() throws Exception {
    int port = Integer.parseInt(System.getProperty("mailplane.test.fake-dns-port"));
    socket = new DatagramSocket(port, InetAddress.getLoopbackAddress());
    Thread server =
        new Thread(
            () -> {
              byte[] buffer = new byte[4096];
              while (!socket.isClosed()) {
                try {
                  DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                  socket.receive(packet);
                  Message query = new Message(java.util.Arrays.copyOf(buffer, packet.getLength()));
                  Record question = query.getQuestion();
                  String name = question.getName().toString(true).toLowerCase();
                  if (name.startsWith("silent.") || name.contains(".silent.")) {
                    continue;
                  }
                  Message reply = new Message(query.getHeader().getID());
                  reply.getHeader().setFlag(Flags.QR);
                  reply.getHeader().setFlag(Flags.AA);
                  reply.addRecord(question, Section.QUESTION);
                  List<Record> records = ZONE.get(name);
                  if (records == null) {
                    reply.getHeader().setRcode(Rcode.NXDOMAIN);
                  } else {
                    records.stream()
                        .filter(r -> r.getType() == question.getType())
                        .forEach(r -> reply.addRecord(r, Section.ANSWER));
                  }
                  byte[] out = reply.toWire();
                  socket.send(
                      new DatagramPacket(out, out.length, packet.getAddress(), packet.getPort()));
                } catch (Exception e) {
                  // closed or malformed: keep serving until closed
                }
              }
            },
            "fake-dns");
    server.setDaemon(true);
    server.start();
  }

  @AfterAll
  static void stopFakeDns() {
    socket.close();
  }

  private static Name abs(String name) throws Exception {
    return Name.fromString(name + ".");
  }

  @Test
  void reportsOkMissingAndDifferent() throws Exception {
    String domain = createDomain();
    JsonPath dkim =
        admin()
            .body(Map.of("algorithm", "ed25519"))
            .put("/api/v1/domains/" + domain + "/dkim")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath();
    String dkimValue = dkim.getString("selectors[0].dnsRecord.value");
    ZONE.put(
        domain,
        List.of(
            new MXRecord(abs(domain), DClass.IN, 300, 10, abs("mx.mailplane.test")),
            new TXTRecord(abs(domain), DClass.IN, 300, "v=spf1 a -all"),
            new TXTRecord(abs(domain), DClass.IN, 300, "google-site-verification=x")));
    ZONE.put(
        "dkim._domainkey." + domain,
        List.of(
            new TXTRecord(
                abs("dkim._domainkey." + domain),
                DClass.IN,
                300,
                List.of(dkimValue.substring(0, 20), dkimValue.substring(20)))));
    ZONE.put(
        "_dmarc." + domain,
        List.of(
            new TXTRecord(
                abs("_dmarc." + domain), DClass.IN, 300, "v=DMARC1; p=quarantine; pct=100")));

    JsonPath report =
        admin()
            .queryParam("check", "true")
            .get("/api/v1/domains/" + domain + "/dns")
            .then()
            .statusCode(200)
            .body("checked", equalTo(true))
            .extract()
            .jsonPath();
    org.junit.jupiter.api.Assertions.assertEquals("ok", status(report, "mx"));
    org.junit.jupiter.api.Assertions.assertEquals("different", status(report, "spf"));
    org.junit.jupiter.api.Assertions.assertEquals(
        List.of("v=spf1 a -all"),
        report.getList("records.find { it.purpose == 'spf' }.check.found"));
    org.junit.jupiter.api.Assertions.assertEquals("ok", status(report, "dkim"));
    org.junit.jupiter.api.Assertions.assertEquals("ok", status(report, "dmarc"));
    org.junit.jupiter.api.Assertions.assertEquals("missing", status(report, "tls-rpt"));
  }

  @Test
  void unansweredQueriesAreReportedAsTimeouts() {
    String domain = "silent." + createDomain().replace("t", "s");
    admin().body(Map.of("name", domain)).post("/api/v1/domains").then().statusCode(201);
    long start = System.nanoTime();
    JsonPath report =
        admin()
            .queryParam("check", "true")
            .get("/api/v1/domains/" + domain + "/dns")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    long millis = (System.nanoTime() - start) / 1_000_000;
    org.junit.jupiter.api.Assertions.assertEquals("timeout", status(report, "mx"));
    org.junit.jupiter.api.Assertions.assertTrue(millis < 5000, "bounded: took " + millis + " ms");
  }

  private static String status(JsonPath report, String purpose) {
    return report.getString("records.find { it.purpose == '" + purpose + "' }.check.status");
  }
}
