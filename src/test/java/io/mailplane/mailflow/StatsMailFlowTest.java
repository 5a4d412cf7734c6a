package io.mailplane.mailflow;

import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.createDomain;
import static io.mailplane.TestApi.createMailbox;
import static io.mailplane.mailflow.MailClient.arrives;
import static io.mailplane.mailflow.MailClient.canLogin;
import static io.mailplane.mailflow.MailClient.send;
import static io.mailplane.mailflow.MailClient.subject;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.NeedsDaemons;
import io.mailplane.stats.StatsSampler;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Issue 19's "done when" for the stats API: mail sent through the real Postfix, Rspamd and Dovecot
 * moves the scanned, delivery and authentication counters. Other tests use the same daemons, so the
 * counters may move by more than this test's own mail: it asserts at least its own amounts.
 */
@QuarkusTest
@NeedsDaemons
class StatsMailFlowTest {
  static final String PASSWORD = "Correct-Horse-Battery-9";

  @Inject StatsSampler sampler;

  private static JsonPath stats(String source, String query) {
    return admin()
        .get("/api/v1/stats/" + source + query)
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  private static long figure(JsonPath stats, String path) {
    return stats.getLong(path);
  }

  @Test
  void sentMailIsScannedDeliveredAndItsLoginsCounted() throws Exception {
    String d = createDomain();
    String box = "stats@" + d;
    createMailbox(box, PASSWORD);
    Instant start = Instant.now().minusSeconds(1);
    // The first sample also adds the Dovecot metrics mailplane reads when they are missing.
    sampler.sampleAll();
    JsonPath rspamd = stats("rspamd", "");
    JsonPath dovecot = stats("dovecot", "");
    assertTrue(rspamd.getString("health.state").equals("ok"), rspamd.prettify());
    assertTrue(dovecot.getString("health.state").equals("ok"), dovecot.prettify());

    String first = subject();
    String second = subject();
    send("someone@peer.example", box, first);
    send("someone@peer.example", box, second);
    assertTrue(arrives(box, PASSWORD, first));
    assertTrue(arrives(box, PASSWORD, second));
    assertFalse(canLogin("imap", box, "wrong-password-1"));
    sampler.sampleAll();

    JsonPath rspamdAfter = stats("rspamd", "");
    JsonPath dovecotAfter = stats("dovecot", "");
    long scanned = figure(rspamdAfter, "current.scanned") - figure(rspamd, "current.scanned");
    assertTrue(scanned >= 2, "scanned moved by " + scanned);
    long classified =
        figure(rspamdAfter, "current.ham")
            + figure(rspamdAfter, "current.spam")
            - figure(rspamd, "current.ham")
            - figure(rspamd, "current.spam");
    assertTrue(classified >= 2, "ham + spam moved by " + classified);
    long deliveries =
        figure(dovecotAfter, "current.deliveries") - figure(dovecot, "current.deliveries");
    assertTrue(deliveries >= 2, "deliveries moved by " + deliveries);
    long failures =
        figure(dovecotAfter, "current.authFailures") - figure(dovecot, "current.authFailures");
    assertTrue(failures >= 1, "auth failures moved by " + failures);
    long successes =
        figure(dovecotAfter, "current.authSuccesses") - figure(dovecot, "current.authSuccesses");
    // arrives() logs in over IMAP at least once per message.
    assertTrue(successes >= 2, "auth successes moved by " + successes);

    // The same counts as deltas between samples, in the range's series and totals.
    JsonPath range = stats("rspamd", "?from=" + start);
    assertTrue(range.getLong("totals.scanned") >= 2, range.prettify());
    assertTrue(range.getList("series").size() >= 1, range.prettify());
    JsonPath dovecotRange = stats("dovecot", "?from=" + start);
    assertTrue(dovecotRange.getLong("totals.deliveries") >= 2, dovecotRange.prettify());
    assertTrue(dovecotRange.getLong("totals.authFailures") >= 1, dovecotRange.prettify());
    assertTrue(dovecotRange.getLong("totals.authSuccesses") >= 2, dovecotRange.prettify());
  }
}
