package io.mailplane.fetchmail;

import static io.mailplane.TestApi.admin;

import io.mailplane.TestApi;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The fetchmail-accounts calls the tests of several packages share. */
public final class FetchmailApi {
  private FetchmailApi() {}

  /**
   * The body of an account that fetches over plain IMAP (no TLS) from host:port; mutable, so a test
   * adds what it needs (enabled, intervalSeconds, keep).
   */
  public static Map<String, Object> plainImap(
      String mailbox, String host, int port, String username, String password) {
    Map<String, Object> body = new HashMap<>();
    body.put("mailbox", mailbox);
    body.put("host", host);
    body.put("port", port);
    body.put("protocol", "imap");
    body.put("tls", "none");
    body.put("username", username);
    body.put("password", password);
    return body;
  }

  /** An account's audit events as the API answers them (JSON text). */
  public static String auditEvents(long id) {
    return admin()
        .queryParam("resourceType", "fetchmail-account")
        .queryParam("resourceKey", Long.toString(id))
        .get("/api/v1/audit-events")
        .then()
        .statusCode(200)
        .extract()
        .asString();
  }

  /** Creates an account through the API; its id. */
  public static long create(Map<String, Object> body) {
    return createAs(TestApi.ADMIN_TOKEN, body);
  }

  /** Creates an account with the given token; its id. */
  public static long createAs(String token, Map<String, Object> body) {
    return TestApi.as(token)
        .body(body)
        .post("/api/v1/fetchmail-accounts")
        .then()
        .statusCode(201)
        .extract()
        .jsonPath()
        .getLong("id");
  }

  /** An account's runs, newest first. */
  public static List<Map<String, Object>> runs(long id) {
    return admin()
        .get("/api/v1/fetchmail-accounts/" + id + "/runs?limit=1000")
        .then()
        .statusCode(200)
        .extract()
        .path("items");
  }

  /** Disables an account: its schedule goes at once, its runs stay readable. */
  public static void disable(long id) {
    admin()
        .body(Map.of("enabled", false))
        .patch("/api/v1/fetchmail-accounts/" + id)
        .then()
        .statusCode(200);
  }

  /** Starts a run now (202); the run's id. */
  public static long runNow(long id) {
    return admin()
        .post("/api/v1/fetchmail-accounts/" + id + "/runs")
        .then()
        .statusCode(202)
        .extract()
        .jsonPath()
        .getLong("id");
  }

  /** One run as it is now. */
  public static JsonPath run(long id, long runId) {
    return admin()
        .get("/api/v1/fetchmail-accounts/" + id + "/runs/" + runId)
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  /** The run once it finished; fails after the timeout. */
  public static JsonPath awaitFinished(long id, long runId, Duration timeout)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      JsonPath run = run(id, runId);
      if ("finished".equals(run.getString("status"))) {
        return run;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("run " + runId + " did not finish in " + timeout);
  }
}
