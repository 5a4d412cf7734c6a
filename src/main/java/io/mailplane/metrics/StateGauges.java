package io.mailplane.metrics;

import io.agroal.api.AgroalDataSource;
import io.mailplane.push.PushFailureCounter;
import io.mailplane.push.PushTargets;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Gauges whose truth is in the database, shared by every replica: recomputed every
 * mailplane.metrics.refresh-interval by a few indexed queries (primary-key ends, a GROUP BY over a
 * small table, an index range over failing fetchmail accounts only), so a scrape never touches the
 * database and the cost does not grow with mailboxes. Every replica exports the same values: a
 * dashboard takes max by the label.
 */
@ApplicationScoped
public class StateGauges {
  private static final Logger LOG = Logger.getLogger(StateGauges.class);

  @Inject AgroalDataSource dataSource;
  @Inject MeterRegistry registry;
  @Inject PushTargets targets;
  @Inject PushFailureCounter pushFailures;
  @Inject MetricsConfig config;

  private MultiGauge pushPending;
  private MultiGauge pushLag;
  private MultiGauge pushConsecutiveFailures;
  private MultiGauge certificateFailures;
  private MultiGauge acmeOrders;
  private MultiGauge fetchmailFailures;
  private volatile double outboxDepth;
  private volatile double fetchmailFailing;
  private volatile double refreshedAt;

  void register(@Observes StartupEvent start) {
    pushPending =
        multi(
            "mailplane.push.target.pending.events",
            null,
            "Outbox events a push target has not applied (ids, an upper bound)");
    pushLag =
        multi(
            "mailplane.push.target.lag",
            "seconds",
            "Age of the oldest outbox event a push target has not applied; 0 caught up");
    pushConsecutiveFailures =
        multi(
            "mailplane.push.target.consecutive.failures",
            null,
            "Failed deliveries to a push target since its last success");
    certificateFailures =
        multi(
            "mailplane.certificate.consecutive.failures",
            null,
            "Failed ACME orders of a certificate since its last issuance");
    acmeOrders = multi("mailplane.acme.orders.by.state", null, "ACME orders by state");
    fetchmailFailures =
        multi(
            "mailplane.fetchmail.account.consecutive.failures",
            null,
            "Failed runs of a fetchmail account since its last success (the worst accounts)");
    Gauge.builder("mailplane.outbox.depth", this, s -> s.outboxDepth)
        .description("Outbox events not yet applied by every push target")
        .register(registry);
    Gauge.builder("mailplane.fetchmail.accounts.failing", this, s -> s.fetchmailFailing)
        .description("Fetchmail accounts whose last run failed")
        .register(registry);
    Gauge.builder("mailplane.metrics.refreshed", this, s -> s.refreshedAt)
        .baseUnit("seconds")
        .description("When the database-backed gauges were last recomputed, Unix time")
        .register(registry);
  }

  private MultiGauge multi(String name, String unit, String description) {
    return MultiGauge.builder(name).baseUnit(unit).description(description).register(registry);
  }

  @Scheduled(
      identity = "metrics-refresh",
      every = "${mailplane.metrics.refresh-interval:30s}",
      // Each replica exports its own copy: Quartz's once-per-cluster trigger would leave the
      // others' gauges stale.
      executeWith = Scheduled.SIMPLE,
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void refresh() {
    if (pushPending == null) {
      return; // before startup
    }
    try (Connection connection = dataSource.getConnection()) {
      refreshPush(connection);
      refreshCertificates(connection);
      refreshFetchmail(connection);
      refreshedAt = Instant.now().getEpochSecond();
    } catch (SQLException | RuntimeException e) {
      // The old values stay; mailplane_metrics_refreshed_seconds shows they are getting stale.
      LOG.warnf("refreshing metrics from the database: %s", e.toString());
    }
  }

  private void refreshPush(Connection connection) throws SQLException {
    long head = single(connection, "SELECT MAX(id) FROM outbox_event");
    Map<String, long[]> states = new HashMap<>();
    try (PreparedStatement query =
            connection.prepareStatement(
                "SELECT name, last_event_id, consecutive_failures FROM push_target_state");
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        states.put(rows.getString(1), new long[] {rows.getLong(2), rows.getLong(3)});
      }
    }
    List<MultiGauge.Row<?>> pending = new ArrayList<>();
    List<MultiGauge.Row<?>> lag = new ArrayList<>();
    List<MultiGauge.Row<?>> failures = new ArrayList<>();
    long slowest = head;
    Instant now = Instant.now();
    for (String target : targets.all().keySet()) {
      long[] state = states.getOrDefault(target, new long[] {0, 0});
      Tags tags = Tags.of("target", target);
      slowest = Math.min(slowest, state[0]);
      pending.add(MultiGauge.Row.of(tags, Math.max(0, head - state[0])));
      lag.add(MultiGauge.Row.of(tags, oldestPendingAge(connection, state[0], now)));
      failures.add(MultiGauge.Row.of(tags, state[1]));
      pushFailures.of(target);
    }
    pushPending.register(pending, true);
    pushLag.register(lag, true);
    pushConsecutiveFailures.register(failures, true);
    outboxDepth = targets.all().isEmpty() ? 0 : Math.max(0, head - slowest);
  }

  /** Seconds since the first event after the position was written; one primary-key lookup. */
  private static double oldestPendingAge(Connection connection, long position, Instant now)
      throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT created_at FROM outbox_event WHERE id > ? ORDER BY id LIMIT 1")) {
      query.setLong(1, position);
      try (ResultSet rows = query.executeQuery()) {
        if (!rows.next()) {
          return 0;
        }
        Instant created = rows.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC);
        return Math.max(0, now.toEpochMilli() - created.toEpochMilli()) / 1000.0;
      }
    }
  }

  private void refreshCertificates(Connection connection) throws SQLException {
    certificateFailures.register(
        rows(connection, "SELECT name, failures FROM certificate", "name", -1), true);
    acmeOrders.register(
        rows(connection, "SELECT status, COUNT(*) FROM acme_order GROUP BY status", "state", -1),
        true);
  }

  private void refreshFetchmail(Connection connection) throws SQLException {
    // Both read only the failing accounts through ix_fetchmail_account_failures.
    fetchmailFailing =
        single(connection, "SELECT COUNT(*) FROM fetchmail_account WHERE consecutive_failures > 0");
    fetchmailFailures.register(
        rows(
            connection,
            "SELECT id, consecutive_failures FROM fetchmail_account"
                + " WHERE consecutive_failures > 0 ORDER BY consecutive_failures DESC LIMIT ?",
            "account_id",
            config.maxFailingFetchmailAccounts()),
        true);
  }

  private static long single(Connection connection, String sql) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(sql);
        ResultSet rows = query.executeQuery()) {
      return rows.next() ? rows.getLong(1) : 0;
    }
  }

  /** (label value, number) pairs; limit -1 for a query without a LIMIT parameter. */
  private static List<MultiGauge.Row<?>> rows(
      Connection connection, String sql, String label, int limit) throws SQLException {
    List<MultiGauge.Row<?>> result = new ArrayList<>();
    try (PreparedStatement query = connection.prepareStatement(sql)) {
      if (limit >= 0) {
        query.setInt(1, limit);
      }
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          result.add(MultiGauge.Row.of(Tags.of(label, rows.getString(1)), rows.getLong(2)));
        }
      }
    }
    return result;
  }
}
