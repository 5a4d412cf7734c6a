package io.mailplane.push;

import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Delivers outbox events to every target, in id order, at least once. A target's push_target_state
 * row is locked (FOR UPDATE SKIP LOCKED) for the whole delivery, so across replicas one publisher
 * at a time talks to a target, and a replica that dies releases the lock with its connection.
 * Failures never reach the writer: its transaction only inserted a row.
 */
@ApplicationScoped
public class Publisher {
  private static final Logger LOG = Logger.getLogger(Publisher.class);
  private static final int MAX_ERROR = 500;
  private static final int MAX_BATCHES_PER_RUN = 20;

  /** What one run did for one target. */
  public enum Outcome {
    /** Events or a reconcile went out. */
    DELIVERED,
    /** Nothing was pending. */
    IDLE,
    /** Another publisher (replica or thread) holds the target. */
    BUSY,
    /** Backing off after failures. */
    WAITING,
    FAILED
  }

  @Inject AgroalDataSource dataSource;
  @Inject PushTargets targets;
  @Inject PushConfig config;

  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          task -> {
            Thread thread = new Thread(task, "push-publisher");
            thread.setDaemon(true);
            return thread;
          });
  private final AtomicBoolean queued = new AtomicBoolean();
  private volatile Instant lastPrune = Instant.EPOCH;

  void onWrite(@Observes(during = TransactionPhase.AFTER_SUCCESS) Outbox.Written written) {
    wake();
  }

  @Scheduled(
      identity = "push-publisher",
      every = "${mailplane.push.interval:1s}",
      // Stays on the in-memory scheduler: its row lock already makes one replica deliver, and a
      // sub-second tick through Quartz's clustered JDBC store would only add database load.
      executeWith = Scheduled.SIMPLE,
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void tick() {
    wake();
  }

  /** Schedules a run on the publisher thread unless one is already waiting to start. */
  public void wake() {
    if (config.enabled() && queued.compareAndSet(false, true)) {
      worker.execute(this::runAll);
    }
  }

  private void runAll() {
    queued.set(false);
    boolean delivered = false;
    for (Map.Entry<String, PushTarget> target : targets.all().entrySet()) {
      try {
        delivered |= runTarget(target.getKey(), target.getValue()) == Outcome.DELIVERED;
      } catch (SQLException | RuntimeException e) {
        // The database itself failed; the next tick tries again.
        LOG.warnf("push to %s: %s", target.getKey(), e.toString());
      }
    }
    if (delivered && Instant.now().isAfter(lastPrune.plusSeconds(10))) {
      lastPrune = Instant.now();
      try {
        prune();
      } catch (SQLException e) {
        LOG.warnf("pruning the outbox: %s", e.toString());
      }
    }
  }

  /** One delivery round for one target; BUSY when another publisher holds its lock. */
  Outcome runTarget(String name, PushTarget target) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      boolean autoCommit = connection.getAutoCommit();
      int isolation = connection.getTransactionIsolation();
      connection.setAutoCommit(false);
      connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      try {
        Outcome outcome = deliver(connection, name, target);
        connection.commit();
        return outcome;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setTransactionIsolation(isolation);
        connection.setAutoCommit(autoCommit);
      }
    }
  }

  private Outcome deliver(Connection connection, String name, PushTarget target)
      throws SQLException {
    State state = lock(connection, name);
    if (state == null) {
      if (exists(name)) {
        return Outcome.BUSY;
      }
      create(name);
      state = lock(connection, name);
      if (state == null) {
        return Outcome.BUSY;
      }
    }
    Instant now = Instant.now();
    if (state.nextAttemptAt != null && state.nextAttemptAt.isAfter(now)) {
      return Outcome.WAITING;
    }
    long position = state.lastEventId;
    Instant reconciledAt = state.lastReconcileAt;
    boolean delivered = false;
    try {
      // The position does not move on a reconcile: an event below the head whose writer has
      // not committed yet would be skipped. Re-applying the pending events is harmless.
      if (reconciledAt == null || reconciledAt.plus(config.reconcileInterval()).isBefore(now)) {
        target.reconcile();
        reconciledAt = now;
        delivered = true;
      }
      for (int round = 0; round < MAX_BATCHES_PER_RUN; round++) {
        List<Event> batch = pending(connection, position, now);
        if (batch.isEmpty()) {
          break;
        }
        target.apply(latestPerObject(batch));
        position = batch.get(batch.size() - 1).id;
        delivered = true;
        if (batch.size() < config.batchSize()) {
          break;
        }
      }
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      int failures = state.consecutiveFailures + 1;
      Instant next = now.plus(backoff(failures));
      String error = errorOf(target, e);
      LOG.warnf("push to %s failed %d times, next try %s: %s", name, failures, next, error);
      update(
          connection,
          "UPDATE push_target_state SET last_event_id = ?, consecutive_failures = ?,"
              + " last_error = ?, last_attempt_at = ?, next_attempt_at = ?,"
              + " last_reconcile_at = ? WHERE name = ?",
          position,
          failures,
          error,
          now,
          next,
          reconciledAt,
          name);
      return Outcome.FAILED;
    }
    if (delivered || state.consecutiveFailures > 0) {
      update(
          connection,
          "UPDATE push_target_state SET last_event_id = ?, consecutive_failures = 0,"
              + " last_error = NULL, last_attempt_at = ?, last_success_at = ?,"
              + " next_attempt_at = NULL, last_reconcile_at = ? WHERE name = ?",
          position,
          now,
          now,
          reconciledAt,
          name);
    }
    return delivered ? Outcome.DELIVERED : Outcome.IDLE;
  }

  /**
   * The next events after the position, stopping before a young gap in the ids: a writer that took
   * the missing id may still commit it. A gap older than gap-wait is a rolled-back insert.
   */
  private List<Event> pending(Connection connection, long position, Instant now)
      throws SQLException {
    List<Event> events = new ArrayList<>();
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT id, kind, event_key, created_at FROM outbox_event WHERE id > ?"
                + " ORDER BY id LIMIT ?")) {
      query.setLong(1, position);
      query.setInt(2, config.batchSize());
      try (ResultSet rows = query.executeQuery()) {
        long expected = position + 1;
        while (rows.next()) {
          Event event =
              new Event(rows.getLong(1), rows.getString(2), rows.getString(3), instant(rows, 4));
          if (event.id != expected && event.createdAt.plus(config.gapWait()).isAfter(now)) {
            break;
          }
          events.add(event);
          expected = event.id + 1;
        }
      }
    }
    return events;
  }

  /** Each object once, at its last position: every event re-sends the object's full state. */
  private static List<PushTarget.Change> latestPerObject(List<Event> batch) {
    Map<PushTarget.Change, Boolean> changes = new LinkedHashMap<>();
    for (Event event : batch) {
      PushTarget.Change change = new PushTarget.Change(event.kind, event.key);
      changes.remove(change);
      changes.put(change, Boolean.TRUE);
    }
    return new ArrayList<>(changes.keySet());
  }

  Duration backoff(int failures) {
    Duration max = config.maxBackoff();
    if (failures >= 30) {
      return max;
    }
    Duration delay = Duration.ofMillis(500L << Math.min(failures - 1, 29));
    return delay.compareTo(max) > 0 ? max : delay;
  }

  /** Class and message only, without configured secrets, cut short; never a stack trace. */
  private static String errorOf(PushTarget target, Exception e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getMessage() == null) {
      cause = cause.getCause();
    }
    String error = cause.getClass().getSimpleName();
    if (cause.getMessage() != null) {
      error += ": " + cause.getMessage();
    }
    error = target.redact(error);
    return error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR) : error;
  }

  /** Deletes events every configured target has applied, once they are older than retention. */
  void prune() throws SQLException {
    if (targets.all().isEmpty()) {
      return;
    }
    try (Connection connection = dataSource.getConnection()) {
      long applied = Long.MAX_VALUE;
      int found = 0;
      try (PreparedStatement query =
          connection.prepareStatement("SELECT name, last_event_id FROM push_target_state")) {
        try (ResultSet rows = query.executeQuery()) {
          while (rows.next()) {
            if (targets.all().containsKey(rows.getString(1))) {
              applied = Math.min(applied, rows.getLong(2));
              found++;
            }
          }
        }
      }
      if (found < targets.all().size() || applied == 0) {
        return;
      }
      update(
          connection,
          "DELETE FROM outbox_event WHERE id <= ? AND created_at < ?",
          applied,
          Instant.now().minus(config.retention()));
    }
  }

  private static State lock(Connection connection, String name) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT last_event_id, consecutive_failures, next_attempt_at, last_reconcile_at"
                + " FROM push_target_state WHERE name = ? FOR UPDATE SKIP LOCKED")) {
      query.setString(1, name);
      try (ResultSet rows = query.executeQuery()) {
        if (!rows.next()) {
          return null;
        }
        return new State(rows.getLong(1), rows.getInt(2), instant(rows, 3), instant(rows, 4));
      }
    }
  }

  /** A plain read on its own connection: a locking one would wait for the holder. */
  private boolean exists(String name) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query =
            connection.prepareStatement("SELECT 1 FROM push_target_state WHERE name = ?")) {
      query.setString(1, name);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next();
      }
    }
  }

  private void create(String name) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      update(
          connection,
          "INSERT INTO push_target_state (name, last_event_id, consecutive_failures)"
              + " VALUES (?, 0, 0)",
          name);
    } catch (SQLIntegrityConstraintViolationException raced) {
      // Another replica created it first.
    }
  }

  private static void update(Connection connection, String sql, Object... values)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < values.length; i++) {
        Object value = values[i];
        if (value instanceof Instant instant) {
          value = LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
        }
        statement.setObject(i + 1, value);
      }
      statement.executeUpdate();
    }
  }

  /** Timestamps are stored as UTC wall-clock time, like Hibernate's (jdbc.timezone=UTC). */
  static Instant instant(ResultSet rows, int column) throws SQLException {
    LocalDateTime value = rows.getObject(column, LocalDateTime.class);
    return value == null ? null : value.toInstant(ZoneOffset.UTC);
  }

  @PreDestroy
  void stop() {
    worker.shutdownNow();
  }

  private record State(
      long lastEventId, int consecutiveFailures, Instant nextAttemptAt, Instant lastReconcileAt) {}

  private record Event(long id, String kind, String key, Instant createdAt) {}
}
