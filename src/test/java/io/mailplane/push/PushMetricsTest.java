package io.mailplane.push;

import static io.mailplane.TestApi.createDomain;
import static io.mailplane.TestApi.createMailbox;

import io.mailplane.dkim.RspamdRedisTarget;
import io.mailplane.dkim.SigningKeys;
import io.mailplane.metrics.Failing;
import io.mailplane.metrics.Scrape;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The push metrics of docs/observability.md move with a target that really fails. */
@QuarkusTest
class PushMetricsTest {
  @Inject PushTargets targets;
  @Inject SigningKeys signingKeys;
  @Inject Vertx vertx;

  @Test
  void aFailingPushTargetShowsFailuresLagAndOutboxDepth() throws Exception {
    String target = "metrics-" + UUID.randomUUID().toString().substring(0, 8);
    String failures = "mailplane_push_target_failures_total{target=\"" + target + "\"}";
    // A Redis that is not there: every delivery is refused.
    targets.put(
        target,
        new RspamdRedisTarget(
            vertx,
            "redis://127.0.0.1:" + Failing.closedPort() + "/0",
            "dkim_keys",
            "dkim_selectors",
            signingKeys,
            Duration.ofSeconds(2)));
    try {
      createMailbox("lag@" + createDomain(), "push-metrics-password");
      Scrape.await(failures, v -> v >= 1);
      Scrape.await(
          "mailplane_push_target_consecutive_failures{target=\"" + target + "\"}", v -> v >= 1);
      Scrape.await("mailplane_push_target_pending_events{target=\"" + target + "\"}", v -> v >= 1);
      Scrape.await("mailplane_push_target_lag_seconds{target=\"" + target + "\"}", v -> v > 0);
      Scrape.await("mailplane_outbox_depth", v -> v >= 1);
      Scrape.await("mailplane_metrics_refreshed_seconds", v -> v > 0);
    } finally {
      targets.remove(target);
    }
    // A removed target's gauges go with the next refresh; its counter stays, as counters do.
    Scrape.awaitGone("mailplane_push_target_lag_seconds{target=\"" + target + "\"}");
  }
}
