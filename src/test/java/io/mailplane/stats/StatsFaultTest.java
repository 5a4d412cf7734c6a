package io.mailplane.stats;

import static io.mailplane.TestApi.admin;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Rspamd and Dovecot down, stalling, flooding or answering garbage: the endpoints still answer at
 * once from stored samples, the health says why, and the rest of the API is unaffected.
 */
@QuarkusTest
@TestProfile(StatsFaultTest.Faulty.class)
class StatsFaultTest {
  static final FaultyDaemon RSPAMD = start();
  static final FaultyDaemon DOVECOT = start();
  static final String PASSWORD = "rspamd-controller-secret-4711";
  static final String API_KEY = "doveadm-api-secret-0815";

  private static FaultyDaemon start() {
    try {
      return new FaultyDaemon();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static class Faulty implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          // The test drives every sample itself: a scheduled one would interleave.
          "mailplane.stats.sample-interval",
          "off",
          // Long enough that a request finishing while a sample still waits proves they are
          // independent, whatever the machine's load.
          "mailplane.stats.timeout",
          "30s",
          "mailplane.stats.rspamd.url",
          RSPAMD.url(),
          "mailplane.stats.rspamd.password",
          PASSWORD,
          "mailplane.stats.dovecot.url",
          DOVECOT.url() + "/doveadm/v1",
          "mailplane.stats.dovecot.api-key",
          API_KEY);
    }
  }

  @Inject StatsSampler sampler;

  @AfterAll
  static void stop() throws IOException {
    RSPAMD.close();
    DOVECOT.close();
  }

  private void both(FaultyDaemon.Mode mode) {
    RSPAMD.mode = mode;
    DOVECOT.mode = mode;
  }

  private static String get(String source, String state) {
    String body =
        admin()
            .get("/api/v1/stats/" + source + "?range=week")
            .then()
            .statusCode(200)
            .body("health.state", equalTo(state))
            .extract()
            .asString();
    assertFalse(body.contains(PASSWORD) || body.contains(API_KEY), body);
    return body;
  }

  @Test
  void aStallingDaemonNeverHoldsARequest() throws Exception {
    both(FaultyDaemon.Mode.STALL);
    CompletableFuture<Void> sampling = CompletableFuture.runAsync(sampler::sampleAll);
    // While the sample waits on the stalled daemon, the stats and the rest of the API answer.
    for (int i = 0; i < 3; i++) {
      admin().get("/api/v1/stats/rspamd").then().statusCode(200);
      admin().get("/api/v1/stats/dovecot").then().statusCode(200);
      admin().get("/api/v1/domains").then().statusCode(200);
    }
    assertFalse(sampling.isDone(), "the stall ended before the requests did");
    sampling.get(3, TimeUnit.MINUTES);
    String rspamd = get("rspamd", "unreachable");
    assertTrue(rspamd.contains("did not answer within"), rspamd);
    get("dovecot", "unreachable");
    // Both got their credentials: the controller password, doveadm's API key (base64).
    assertTrue(RSPAMD.requests.stream().anyMatch(h -> h.contains("Password: " + PASSWORD)));
    assertTrue(DOVECOT.requests.stream().anyMatch(h -> h.contains("X-Dovecot-API ")));
  }

  @Test
  void garbageIsAnErrorOfAReachableSource() {
    for (FaultyDaemon.Mode mode :
        new FaultyDaemon.Mode[] {
          FaultyDaemon.Mode.NOT_JSON,
          FaultyDaemon.Mode.WRONG_JSON,
          FaultyDaemon.Mode.NOT_HTTP,
          FaultyDaemon.Mode.FLOOD,
          FaultyDaemon.Mode.UNAUTHORIZED
        }) {
      both(mode);
      sampler.sampleAll();
      for (String source : new String[] {"rspamd", "dovecot"}) {
        admin()
            .get("/api/v1/stats/" + source)
            .then()
            .statusCode(200)
            .body("health.state", equalTo("error"))
            .body("health.reachable", equalTo(true))
            .body(
                "health.lastError", containsString(source.equals("rspamd") ? "rspamd" : "doveadm"));
      }
    }
    get("rspamd", "error");
    String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
    assertTrue(metrics.contains("mailplane_rspamd_up 0.0"), "rspamd_up not 0");
    assertTrue(metrics.contains("mailplane_dovecot_up 0.0"), "dovecot_up not 0");
    assertFalse(metrics.contains(PASSWORD) || metrics.contains(API_KEY));
  }

  @Test
  void aTrickledBodyEndsAtTheDeadline() throws Exception {
    RSPAMD.mode = FaultyDaemon.Mode.TRICKLE;
    DOVECOT.mode = FaultyDaemon.Mode.NOT_HTTP;
    CompletableFuture<Void> sampling = CompletableFuture.runAsync(sampler::sampleAll);
    admin().get("/api/v1/stats/rspamd").then().statusCode(200);
    sampling.get(3, TimeUnit.MINUTES);
    String rspamd = get("rspamd", "unreachable");
    assertTrue(rspamd.contains("did not answer within"), rspamd);
  }
}
