package io.mailplane.stats;

import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.as;
import static io.mailplane.TestApi.createDomain;
import static io.mailplane.TestApi.token;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailplane.NeedsDaemons;
import io.mailplane.api.Problem;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * The stats endpoints against the test stack's real Rspamd controller and Dovecot doveadm API
 * (read-only use of the shared daemons: sampling only reads their counters).
 */
@QuarkusTest
@NeedsDaemons
class StatsResourceTest {
  private static final List<String> SOURCES = List.of("rspamd", "dovecot");

  @Inject StatsSampler sampler;
  @Inject SampleStore store;
  @Inject StatsConfig config;

  @Test
  void adminAndReadTokensSeeTheStatsDomainTokensDoNot() {
    String read = token("read");
    String scoped = token("domain:" + createDomain());
    for (String source : SOURCES) {
      admin().get("/api/v1/stats/" + source).then().statusCode(200);
      as(read).get("/api/v1/stats/" + source).then().statusCode(200);
      // Server-wide data, like the audit log and push targets: forbidden, not hidden.
      as(scoped)
          .get("/api/v1/stats/" + source)
          .then()
          .statusCode(403)
          .contentType(Problem.MEDIA_TYPE);
      given().get("/api/v1/stats/" + source).then().statusCode(401);
    }
  }

  @Test
  void badRangesAreRefused() {
    for (String source : SOURCES) {
      String path = "/api/v1/stats/" + source;
      admin()
          .get(path + "?range=decade")
          .then()
          .statusCode(400)
          .contentType(Problem.MEDIA_TYPE)
          .body("errors[0].field", equalTo("range"));
      admin()
          .get(path + "?range=day&from=2026-01-01T00:00:00Z")
          .then()
          .statusCode(400)
          .body("errors[0].field", equalTo("range"));
      admin()
          .get(path + "?from=yesterday")
          .then()
          .statusCode(400)
          .body("errors[0].field", equalTo("from"));
      admin()
          .get(path + "?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z")
          .then()
          .statusCode(400)
          .body("errors[0].field", equalTo("from"));
      admin()
          .get(path + "?from=0001-01-01T00:00:00Z&to=9999-01-01T00:00:00Z")
          .then()
          .statusCode(400);
      admin()
          .get(path + "?from=2026-01-01T00:00:00Z&to=2026-01-01T00:30:00Z")
          .then()
          .statusCode(200)
          .body("range.stepSeconds", equalTo(60));
    }
  }

  @Test
  void theRealDaemonsAreSampledWithTheirFigures() {
    sampler.sampleAll();
    sampler.sampleAll();
    for (String range : List.of("day", "week", "month", "year")) {
      JsonPath rspamd =
          admin()
              .get("/api/v1/stats/rspamd?range=" + range)
              .then()
              .statusCode(200)
              .body("health.state", equalTo("ok"))
              .body("health.reachable", equalTo(true))
              .body("health.latencyMs", notNullValue())
              .body("health.lastError", equalTo(null))
              .body("current.rspamdVersion", notNullValue())
              // The test controller's thresholds (deploy/local/filter-services.sh).
              .body("current.thresholds.action", hasItem("reject"))
              .body("current.thresholds.find { it.action == 'reject' }.score", equalTo(15.0f))
              .body("current.thresholds.find { it.action == 'greylist' }.score", equalTo(null))
              .body("current.actions.action", hasItem("no action"))
              .extract()
              .jsonPath();
      assertFalse(rspamd.getString("range.from").isEmpty());
    }
    admin()
        .get("/api/v1/stats/dovecot")
        .then()
        .statusCode(200)
        .body("health.state", equalTo("ok"))
        // mailplane adds the metrics it reads when Dovecot does not define them.
        .body("current.authSuccesses", notNullValue())
        .body("current.authFailures", notNullValue())
        .body("current.deliveries", notNullValue())
        .body("current.metrics.name", hasItem("auth_successes"));
  }

  @Test
  void theFiguresAreOnTheMetricsEndpoint() {
    sampler.sampleAll();
    String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
    for (String name :
        List.of(
            "mailplane_rspamd_up 1.0",
            "mailplane_rspamd_scanned_total ",
            "mailplane_rspamd_actions_total{action=\"reject\"}",
            "mailplane_rspamd_action_threshold{action=\"reject\"} 15.0",
            "mailplane_dovecot_up 1.0",
            "mailplane_dovecot_auth_failures_total ",
            "mailplane_dovecot_deliveries_total ",
            "mailplane_dovecot_metric_events_total{metric=\"auth_successes\"}")) {
      assertTrue(metrics.contains(name), name + " missing");
    }
    // The secrets of the test profile never show.
    assertFalse(metrics.contains("mailplane-test-doveadm-key"));
  }

  @Test
  void oldSamplesAreThinnedHourlyThenDailyThenDropped() throws Exception {
    // A source name of its own: thinning works per source and must not touch the real ones.
    String source = "t" + UUID.randomUUID().toString().substring(0, 12);
    Instant now = Instant.parse("2026-06-10T12:00:00Z");
    ObjectNode data = new ObjectMapper().createObjectNode().put("scanned", 1);
    BiConsumer<Duration, Boolean> add =
        (age, ok) -> {
          try {
            store.insert(
                new Sample(
                    source, now.minus(age), ok, ok, 5, ok ? null : "down", ok ? data : null));
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        };
    // Recent: all kept, failures too.
    add.accept(Duration.ofMinutes(2), true);
    add.accept(Duration.ofMinutes(1), false);
    // Three days old, one hour: the first successful one stays, the failure goes.
    add.accept(Duration.ofHours(72).plusMinutes(50), false);
    add.accept(Duration.ofHours(72).plusMinutes(40), true);
    add.accept(Duration.ofHours(72).plusMinutes(30), true);
    // Forty days old, one day: one stays.
    add.accept(Duration.ofDays(40).plusHours(1), true);
    add.accept(Duration.ofDays(40).plusHours(2), true);
    // Past the retention.
    add.accept(Duration.ofDays(500), true);

    store.thin(source, now, config);

    List<Sample> ok = store.okBetween(source, now.minus(Duration.ofDays(1000)), now);
    assertEquals(
        List.of(
            now.minus(Duration.ofDays(40).plusHours(2)),
            now.minus(Duration.ofHours(72).plusMinutes(40)),
            now.minus(Duration.ofMinutes(2))),
        ok.stream().map(Sample::at).toList());
    // The recent failure is still the latest attempt: health survives thinning.
    assertFalse(store.latest(source).orElseThrow().ok());
  }
}
