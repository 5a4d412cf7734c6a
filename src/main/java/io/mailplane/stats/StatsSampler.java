package io.mailplane.stats;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailplane.api.Timestamps;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Samples every configured source and stores the result, once per interval across the cluster (a
 * Quartz job in the clustered JDBC store, like fetchmail's schedules). The API only ever reads the
 * stored samples, so a source that is down or stalls never holds a request.
 */
@ApplicationScoped
public class StatsSampler {
  private static final Logger LOG = Logger.getLogger(StatsSampler.class);

  /** Thinning scans the aged rows; once in a while is enough. */
  private static final Duration THIN_EVERY = Duration.ofMinutes(10);

  @Inject StatsConfig config;
  @Inject ObjectMapper json;
  @Inject SampleStore store;
  @Inject StatsMetrics metrics;

  private List<StatsSource> sources;
  private volatile Instant lastThin = Instant.EPOCH;

  @PostConstruct
  void init() {
    BoundedHttp http = new BoundedHttp(config.timeout());
    sources =
        List.of(
            new RspamdSource(config.rspamd(), config.topSymbols(), http, json),
            new DovecotSource(config.dovecot(), http, json));
  }

  Optional<StatsSource> source(String name) {
    return sources.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  @Scheduled(
      identity = "stats-sampler",
      every = "${mailplane.stats.sample-interval:60s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void run() {
    sampleAll();
  }

  /** Samples every configured source now; public for tests that must not wait for the job. */
  public void sampleAll() {
    Instant now = Timestamps.now();
    boolean thin = Duration.between(lastThin, now).compareTo(THIN_EVERY) >= 0;
    for (StatsSource source : sources) {
      if (!source.configured()) {
        continue;
      }
      Sample sample = sample(source);
      try {
        store.insert(sample);
        if (thin) {
          store.thin(source.name(), now, config);
        }
      } catch (SQLException e) {
        LOG.warnf("could not store the %s sample: %s", source.name(), e.getMessage());
      }
      metrics.update(sample);
    }
    if (thin) {
      lastThin = now;
    }
  }

  private Sample sample(StatsSource source) {
    Instant at = Timestamps.now();
    long start = System.nanoTime();
    try {
      var data = source.fetch();
      return new Sample(source.name(), at, true, true, millisSince(start), null, data);
    } catch (BoundedHttp.Unreachable e) {
      return failed(source, at, false, null, e);
    } catch (IOException e) {
      return failed(source, at, true, millisSince(start), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed(source, at, false, null, e);
    } catch (RuntimeException e) {
      // A daemon's answer must never stop the job (or the other source's sample).
      return failed(source, at, true, millisSince(start), e);
    }
  }

  private static Sample failed(
      StatsSource source, Instant at, boolean reachable, Integer latencyMs, Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    String error = source.redact(message);
    LOG.debugf("%s sample failed: %s", source.name(), error);
    return new Sample(source.name(), at, false, reachable, latencyMs, error, null);
  }

  private static int millisSince(long start) {
    return (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - start) / 1_000_000);
  }
}
