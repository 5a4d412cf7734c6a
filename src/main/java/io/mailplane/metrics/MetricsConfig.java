package io.mailplane.metrics;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** mailplane's own metrics on /q/metrics (docs/observability.md, "mailplane metrics"). */
@ConfigMapping(prefix = "mailplane.metrics")
public interface MetricsConfig {
  /**
   * How often the gauges read from the database (push targets, outbox, ACME orders, failing
   * fetchmail accounts) are recomputed; a scrape only reads the last result.
   */
  @WithDefault("30s")
  Duration refreshInterval();

  /**
   * At most this many failing fetchmail accounts get their own time series (the ones with the most
   * consecutive failures), so a mass outage cannot flood Prometheus.
   */
  @WithDefault("100")
  int maxFailingFetchmailAccounts();
}
