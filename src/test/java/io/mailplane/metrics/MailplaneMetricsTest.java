package io.mailplane.metrics;

import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.createDomain;
import static io.mailplane.TestApi.createMailbox;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.NeedsDaemons;
import io.mailplane.fetchmail.FetchmailApi;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Each metric of docs/observability.md moves with the real thing it measures (push:
 * PushMetricsTest, certificates: AcmeHttp01Test and AcmeFailureTest).
 */
@QuarkusTest
@NeedsDaemons
class MailplaneMetricsTest {
  private static final String PASSWORD = "metrics-test-password";

  @Test
  void fetchmailRunsAreCountedByOutcomeAndFailingAccountsShow() throws Exception {
    String mailbox = "fetch@" + createDomain();
    createMailbox(mailbox, PASSWORD);
    long id = Failing.fetchmailAccount(mailbox, PASSWORD);
    try {
      long runId = FetchmailApi.runNow(id);
      JsonPath run = FetchmailApi.awaitFinished(id, runId, Duration.ofSeconds(60));
      String outcome = run.getString("outcome");
      assertTrue(!outcome.equals("fetched") && !outcome.equals("no_mail"), outcome);
      Scrape.await("mailplane_fetchmail_runs_total{outcome=\"" + outcome + "\"}", v -> v >= 1);
      Scrape.await(
          "mailplane_fetchmail_account_consecutive_failures{account_id=\"" + id + "\"}",
          v -> v == 1);
      Scrape.await("mailplane_fetchmail_accounts_failing", v -> v >= 1);
    } finally {
      admin().delete("/api/v1/fetchmail-accounts/" + id);
    }
  }

  @Test
  void apiLatencyIsAHistogramByRouteTemplateAndUnmatchedRequestsShareOneName() throws Exception {
    String domain = createDomain();
    admin().get("/api/v1/domains/" + domain).then().statusCode(200);
    // Refused before a resource matched: a made-up path and a wrong media type.
    admin().get("/api/v1/no-such-route-" + domain).then().statusCode(404);
    given()
        .header("Authorization", "Bearer " + io.mailplane.TestApi.ADMIN_TOKEN)
        .contentType("text/plain")
        .body("x")
        .post("/api/v1/domains")
        .then()
        .statusCode(415);
    String text = Scrape.text();
    assertTrue(
        text.lines()
            .anyMatch(
                l ->
                    l.startsWith("http_server_requests_seconds_bucket{")
                        && l.contains("uri=\"/api/v1/domains/{domain}\"")
                        && l.contains("le=\"0.025\"")),
        "no latency buckets by route template");
    assertTrue(
        text.lines()
            .anyMatch(
                l ->
                    l.startsWith("http_server_requests_seconds_count{")
                        && l.contains("status=\"415\"")
                        && l.contains("uri=\"/UNMATCHED\"")),
        "a request refused before routing is not named UNMATCHED: "
            + text.lines()
                .filter(l -> l.startsWith("http_server_requests_seconds_count"))
                .toList());
    assertEquals(
        0,
        text.lines().filter(l -> l.contains("no-such-route") || l.contains(domain)).count(),
        "a raw path reached /q/metrics");
  }
}
