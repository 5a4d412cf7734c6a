package io.mailplane.mailflow;

import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.createDomain;
import static io.mailplane.TestApi.createMailbox;
import static io.mailplane.mailflow.MailClient.rawMessage;
import static io.mailplane.mailflow.MailClient.subject;
import static io.mailplane.mailflow.MailClient.submit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.NeedsDaemons;
import io.mailplane.dkim.DkimService;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.james.jdkim.api.SignatureRecord;
import org.junit.jupiter.api.Test;

/**
 * The DKIM lifecycle through the API only, judged by the real stack: mailplane pushes the key to
 * Redis, Rspamd (milter in Postfix) signs, the record from the DNS endpoint is served by the local
 * unbound, and an independent verifier (Apache jDKIM) checks the delivered message.
 */
@NeedsDaemons
@QuarkusTest
class DkimSigningTest {
  static final String PASSWORD = "Dkim-Signing-Password-5";

  @Inject DkimService dkim;

  @Test
  void enableRotateRetireAndDisable() throws Exception {
    String d = createDomain();
    createMailbox("sender@" + d, PASSWORD);
    createMailbox("reader@" + d, PASSWORD);
    List<String> published = new ArrayList<>();
    try {
      admin()
          .body(Map.of("selector", "first"))
          .put("/api/v1/domains/" + d + "/dkim")
          .then()
          .statusCode(201);
      publishDns(d, published);
      awaitSigningSelector(d, "first");
      assertSignedBy(d, "first");

      admin()
          .body(Map.of("selector", "second"))
          .post("/api/v1/domains/" + d + "/dkim/rotate")
          .then()
          .statusCode(200);
      publishDns(d, published);
      awaitSigningSelector(d, "second");
      assertSignedBy(d, "second");
      awaitKeyGone("first." + d);
      assertEquals(Set.of("first", "second"), Set.copyOf(selectorsInDnsOutput(d)));

      dkim.retireDue(Instant.now().plus(Duration.ofDays(8)));
      assertEquals(List.of("second"), selectorsInDnsOutput(d));

      admin().delete("/api/v1/domains/" + d + "/dkim").then().statusCode(204);
      awaitSigningSelector(d, null);
      awaitKeyGone("second." + d);
      assertFalse(headers(send(d)).contains("\nDKIM-Signature:"));
    } finally {
      for (String name : published) {
        FilterWorld.removeTxt(name);
      }
    }
  }

  @Test
  void ed25519KeysSignToo() throws Exception {
    String d = createDomain();
    createMailbox("sender@" + d, PASSWORD);
    createMailbox("reader@" + d, PASSWORD);
    admin()
        .body(Map.of("selector", "ed", "algorithm", "ed25519"))
        .put("/api/v1/domains/" + d + "/dkim")
        .then()
        .statusCode(201);
    awaitSigningSelector(d, "ed");
    String headers = headers(send(d));
    // jDKIM predates RFC 8463, so only the signature's presence and algorithm are checked here.
    assertTrue(headers.contains("a=ed25519-sha256"), headers);
    assertTrue(headers.contains("s=ed;") || headers.contains("s=ed\n"), headers);
  }

  /**
   * Rspamd signs authenticated submissions only. A message from 127.0.0.1 on the SMTP port
   * (unauthenticated, as a forger behind a proxy or NAT looks) that claims the hosted domain is
   * delivered unsigned, and so is one Postfix picks up from sendmail on this host.
   */
  @Test
  void onlyAuthenticatedSubmissionsAreSigned() throws Exception {
    String d = createDomain();
    createMailbox("sender@" + d, PASSWORD);
    createMailbox("reader@" + d, PASSWORD);
    admin()
        .body(Map.of("selector", "auth"))
        .put("/api/v1/domains/" + d + "/dkim")
        .then()
        .statusCode(201);
    awaitSigningSelector(d, "auth");

    String forged = subject();
    MailClient.send("sender@" + d, "reader@" + d, forged);
    String local = subject();
    sendmail("sender@" + d, "reader@" + d, local);
    String signed = headers(send(d));
    assertTrue(signed.contains("\nDKIM-Signature:") && signed.contains("d=" + d), signed);

    String forgedHeaders = headers(rawMessage("reader@" + d, PASSWORD, forged));
    assertFalse(forgedHeaders.contains("\nDKIM-Signature:"), forgedHeaders);
    String localHeaders = headers(rawMessage("reader@" + d, PASSWORD, local));
    assertFalse(localHeaders.contains("\nDKIM-Signature:"), localHeaders);
  }

  /** Postfix's sendmail command with the test Postfix's configuration (the pickup path). */
  private static void sendmail(String from, String to, String subject) throws Exception {
    Process process =
        new ProcessBuilder(
                "sendmail", "-C", MailClient.STATE + "/postfix", "-f", from, "-i", "--", to)
            .redirectErrorStream(true)
            .start();
    String message =
        "From: " + from + "\nTo: " + to + "\nSubject: " + subject + "\n\nfrom this host\n";
    try (var in = process.getOutputStream()) {
      in.write(message.getBytes(StandardCharsets.UTF_8));
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.waitFor(), output);
  }

  /** Serves every DKIM record of the domain's DNS endpoint from the test resolver. */
  private static void publishDns(String domain, List<String> published) throws Exception {
    JsonPath dns =
        admin()
            .get("/api/v1/domains/" + domain + "/dns")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    List<Map<String, Object>> records = dns.getList("records");
    for (Map<String, Object> record : records) {
      String name = String.valueOf(record.get("name"));
      if (name.contains("._domainkey.") && !published.contains(name)) {
        FilterWorld.publishTxt(name, String.valueOf(record.get("value")));
        published.add(name);
      }
    }
  }

  private static List<String> selectorsInDnsOutput(String domain) {
    return admin()
        .get("/api/v1/domains/" + domain + "/dkim")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        .getList("selectors.selector");
  }

  /** Waits until the push publisher made Rspamd's selector field say this (null: absent). */
  private static void awaitSigningSelector(String domain, String selector) throws Exception {
    Instant deadline = Instant.now().plusSeconds(10);
    while (!Objects.equals(FilterWorld.hget(FilterWorld.SELECTORS, domain), selector)
        || (selector != null
            && FilterWorld.hget(FilterWorld.KEYS, selector + "." + domain) == null)) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("Redis never got selector " + selector + " for " + domain);
      }
      Thread.sleep(50);
    }
  }

  /** The target removes a key only after the selector stopped pointing at it: a moment later. */
  private static void awaitKeyGone(String field) throws Exception {
    Instant deadline = Instant.now().plusSeconds(10);
    while (FilterWorld.hget(FilterWorld.KEYS, field) != null) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("key " + field + " left in Redis");
      }
      Thread.sleep(50);
    }
  }

  private static void assertSignedBy(String domain, String selector) throws Exception {
    byte[] raw = send(domain);
    List<SignatureRecord> verified = FilterWorld.verifyDkim(raw);
    assertEquals(1, verified.size(), headers(raw));
    assertEquals(domain, verified.get(0).getDToken().toString());
    assertEquals(selector, verified.get(0).getSelector().toString());
  }

  private static byte[] send(String domain) throws Exception {
    String subject = subject();
    submit("sender@" + domain, PASSWORD, "sender@" + domain, "reader@" + domain, subject);
    return rawMessage("reader@" + domain, PASSWORD, subject);
  }

  private static String headers(byte[] raw) {
    String text = new String(raw, StandardCharsets.UTF_8).replace("\r\n", "\n");
    int end = text.indexOf("\n\n");
    return "\n" + (end < 0 ? text : text.substring(0, end));
  }
}
