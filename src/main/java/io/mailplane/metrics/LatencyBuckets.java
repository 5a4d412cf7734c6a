package io.mailplane.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * API latency as a histogram with a few fixed buckets, so Prometheus can compute percentiles across
 * replicas (histogram_quantile); client-side percentiles cannot be aggregated. Few buckets: each
 * one is a time series per route, method and status.
 */
public class LatencyBuckets {
  static final String HTTP_SERVER_REQUESTS = "http.server.requests";

  @Produces
  @Singleton
  MeterFilter httpServerBuckets() {
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(
          Meter.Id id, DistributionStatisticConfig config) {
        if (!id.getName().equals(HTTP_SERVER_REQUESTS)) {
          return config;
        }
        return DistributionStatisticConfig.builder()
            .serviceLevelObjectives(
                seconds(0.005),
                seconds(0.025),
                seconds(0.1),
                seconds(0.25),
                seconds(1),
                seconds(2.5),
                seconds(10))
            .build()
            .merge(config);
      }
    };
  }

  private static double seconds(double seconds) {
    return Duration.ofMillis((long) (seconds * 1000)).toNanos();
  }
}
