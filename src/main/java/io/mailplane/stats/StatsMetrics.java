package io.mailplane.stats;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import org.jboss.logging.Logger;

/**
 * The sampled mail-stack figures on /q/metrics (names and labels: docs/observability.md). Values
 * are the daemons' own cumulative counters as last sampled; one replica samples, every replica
 * reads the newest stored sample, so every scrape target shows the same figures.
 */
@ApplicationScoped
public class StatsMetrics {
  private static final Logger LOG = Logger.getLogger(StatsMetrics.class);

  @Inject MeterRegistry registry;
  @Inject SampleStore store;

  /** Per source: the newest attempt and the newest successful sample. */
  private final Map<String, Sample> latest = new ConcurrentHashMap<>();

  private final Map<String, Sample> latestOk = new ConcurrentHashMap<>();
  private final Set<String> registered = ConcurrentHashMap.newKeySet();

  void register(@Observes StartupEvent start) {
    up("rspamd", "Rspamd controller answered the last sample (1) or not (0)");
    counter("mailplane.rspamd.scanned", "rspamd", "/scanned", "Messages Rspamd scanned");
    counter("mailplane.rspamd.spam", "rspamd", "/spam", "Messages Rspamd classified as spam");
    counter("mailplane.rspamd.ham", "rspamd", "/ham", "Messages Rspamd classified as ham");
    counter("mailplane.rspamd.learned", "rspamd", "/learned", "Messages Rspamd learned");
    Gauge.builder("mailplane.rspamd.uptime", this, m -> m.value("rspamd", "/uptime"))
        .baseUnit("seconds")
        .description("Rspamd's uptime at the last sample")
        .register(registry);
    up("dovecot", "Dovecot's doveadm HTTP API answered the last sample (1) or not (0)");
    counter(
        "mailplane.dovecot.auth.successes",
        "dovecot",
        "/metrics/auth_successes",
        "Dovecot authentications that succeeded");
    counter(
        "mailplane.dovecot.auth.failures",
        "dovecot",
        "/metrics/auth_failures",
        "Dovecot authentications that failed");
    counter(
        "mailplane.dovecot.deliveries",
        "dovecot",
        "/metrics/mail_deliveries",
        "Messages Dovecot delivered (LMTP/LDA)");
    refresh();
  }

  private void up(String source, String description) {
    Gauge.builder(
            "mailplane." + source + ".up",
            this,
            m -> {
              Sample sample = m.latest.get(source);
              return sample == null ? Double.NaN : sample.ok() ? 1 : 0;
            })
        .description(description)
        .register(registry);
  }

  private void counter(String name, String source, String pointer, String description) {
    FunctionCounter.builder(name, this, m -> m.value(source, pointer))
        .description(description + " (the daemon's own counter, as last sampled)")
        .register(registry);
  }

  private double value(String source, String pointer) {
    Sample sample = latestOk.get(source);
    JsonNode value = sample == null ? null : sample.data().at(pointer);
    return value == null || !value.isNumber() ? Double.NaN : value.asDouble();
  }

  /** Every replica re-reads the newest stored samples (the sampling job runs on one of them). */
  @Scheduled(
      identity = "stats-metrics-refresh",
      every = "${mailplane.stats.sample-interval:60s}",
      executeWith = Scheduled.SIMPLE,
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void refresh() {
    for (String source : new String[] {"rspamd", "dovecot"}) {
      try {
        store.latest(source).ifPresent(this::remember);
        store.latestOk(source).ifPresent(this::remember);
      } catch (SQLException e) {
        LOG.debugf("stats metrics not refreshed: %s", e.getMessage());
      }
    }
  }

  void update(Sample sample) {
    remember(sample);
  }

  private void remember(Sample sample) {
    latest.merge(sample.source(), sample, StatsMetrics::newer);
    if (!sample.ok()) {
      return;
    }
    latestOk.merge(sample.source(), sample, StatsMetrics::newer);
    if (sample.source().equals("rspamd")) {
      labelled(
          sample,
          "actions",
          "mailplane.rspamd.actions",
          "action",
          "Messages by the action Rspamd chose",
          null);
      labelled(
          sample,
          "thresholds",
          "mailplane.rspamd.action.threshold",
          "action",
          "Score from which Rspamd takes the action (NaN: action disabled)",
          "gauge");
    } else {
      labelled(
          sample,
          "metrics",
          "mailplane.dovecot.metric.events",
          "metric",
          "Events counted by each metric Dovecot defines (doveadm stats dump)",
          null);
    }
  }

  private static Sample newer(Sample old, Sample candidate) {
    return candidate.at().isBefore(old.at()) ? old : candidate;
  }

  /** Registers one meter per label value the first time the value shows up. */
  private void labelled(
      Sample sample, String field, String name, String label, String description, String kind) {
    Iterator<String> keys = sample.data().path(field).fieldNames();
    while (keys.hasNext()) {
      String key = keys.next();
      if (!registered.add(name + "\0" + key)) {
        continue;
      }
      String pointer = "/" + field + "/" + key.replace("~", "~0").replace("/", "~1");
      ToDoubleFunction<StatsMetrics> read = m -> m.value(sample.source(), pointer);
      if (kind == null) {
        FunctionCounter.builder(name, this, read)
            .tag(label, key)
            .description(description)
            .register(registry);
      } else {
        Gauge.builder(name, this, read).tag(label, key).description(description).register(registry);
      }
    }
  }
}
