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
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Delivers outbox events to every target, in id order, at least once. Each target has its own
 * worker thread, so a slow or stalled target never delays another. Across replicas one publisher at
 * a time delivers to a target: it claims the target's push_target_state row with a lease (its token
 * and an expiry, renewed while it works) in a short transaction, talks to the target with no
 * connection or lock held, and records each step in a new short transaction guarded by its token. A
 * replica that dies loses its leases when they expire. Failures never reach the writer: its
 * transaction only inserted a row.
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
    /** Another publisher (replica or thread) holds the target's lease. */
    BUSY,
    /** Backing off after failures. */
    WAITING,
    FAILED
  }

  @Inject AgroalDataSource dataSource;
  @Inject PushTargets targets;
  @Inject PushConfig config;
  @Inject PushFailureCounter failureCounter;

  private final Map<String, Worker> workers = new ConcurrentHashMap<>();
  private final ScheduledExecutorService leases =
      Executors.newSingleThreadScheduledExecutor(daemon("push-lease"));
  private final AtomicBoolean pruning = new AtomicBoolean();
  private volatile Instant lastPrune = Instant.EPOCH;

  void onWrite(@Observes(during = TransactionPhase.AFTER_SUCCESS) Outbox.Written written) {
    wake();
  }

  @Scheduled(
      identity = "push-publisher",
      every = "${mailplane.push.interval:1s}",
      // Stays on the in-memory scheduler: the lease already makes one replica deliver, and a
      // sub-second tick through Quartz's clustered JDBC store would only add database load.
      executeWith = Scheduled.SIMPLE,
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void tick() {
    wake();
  }

  /** Schedules a run on each target's worker unless one is already waiting to start there. */
  public void wake() {
    if (!config.enabled()) {
      return;
    }
    Map<String, PushTarget> current = targets.all();
    current.forEach((name, target) -> workers.computeIfAbsent(name, Worker::new).wake(target));
    workers.entrySet().removeIf(w -> !current.containsKey(w.getKey()) && w.getValue().retire());
  }

  /** One target's thread: runs queue behind each other, never behind another target's. */
  private final class Worker {
    private final String name;
    private final ExecutorService thread;
    private final AtomicBoolean queued = new AtomicBoolean();

    Worker(String name) {
      this.name = name;
      this.thread = Executors.newSingleThreadExecutor(daemon("push-" + name));
    }

    void wake(PushTarget target) {
      if (queued.compareAndSet(false, true)) {
        thread.execute(() -> run(target));
      }
    }

    private void run(PushTarget target) {
      queued.set(false);
      try {
        if (runTarget(name, target) == Outcome.DELIVERED) {
          pruneNowAndThen();
        }
      } catch (SQLException | RuntimeException e) {
        // The database itself failed; the next tick tries again.
        LOG.warnf("push to %s: %s", name, e.toString());
      }
    }

    boolean retire() {
      thread.shutdown();
      return true;
    }

    void stop() {
      thread.shutdownNow();
    }
  }

  private void pruneNowAndThen() {
    if (Instant.now().isAfter(lastPrune.plusSeconds(10)) && pruning.compareAndSet(false, true)) {
      try {
        lastPrune = Instant.now();
        prune();
      } catch (SQLException e) {
        LOG.warnf("pruning the outbox: %s", e.toString());
      } finally {
        pruning.set(false);
      }
    }
  }

  /** One delivery round for one target; BUSY when another publisher holds its lease. */
  Outcome runTarget(String name, PushTarget target) throws SQLException {
    String token = UUID.randomUUID().toString();
    Instant now = Instant.now();
    Outcome refused = claim(name, token, now);
    if (refused != null) {
      return refused;
    }
    long renewEvery = Math.max(config.lease().toMillis() / 3, 1);
    ScheduledFuture<?> heartbeat =
        leases.scheduleAtFixedRate(
            () -> renew(name, token), renewEvery, renewEvery, TimeUnit.MILLISECONDS);
    Lease lease = new Lease(name, token);
    try {
      return deliver(lease, target, read(lease), now);
    } finally {
      heartbeat.cancel(false);
      if (!lease.released) {
        try {
          update(
              "UPDATE push_target_state SET lease_owner = NULL, lease_until = NULL"
                  + " WHERE name = ? AND lease_owner = ?",
              name,
              token);
        } catch (SQLException e) {
          // It expires by itself.
          LOG.debugf("releasing the push lease of %s: %s", name, e);
        }
      }
    }
  }

  private Outcome deliver(Lease lease, PushTarget target, State state, Instant now)
      throws SQLException {
    long position = state.lastEventId;
    Instant reconciledAt = state.lastReconcileAt;
    boolean delivered = false;
    // The position does not move on a reconcile: an event below the head whose writer has not
    // committed yet would be skipped. Re-applying the pending events is harmless.
    if (reconciledAt == null || reconciledAt.plus(config.reconcileInterval()).isBefore(now)) {
      Exception failure = attempt(target::reconcile);
      if (failure != null) {
        return fail(lease, target, state, position, reconciledAt, now, failure);
      }
      reconciledAt = now;
      delivered = true;
      if (!progress(lease, position, reconciledAt)) {
        return Outcome.BUSY;
      }
    }
    for (int round = 0; round < MAX_BATCHES_PER_RUN; round++) {
      List<Event> batch = pending(position, now);
      if (batch.isEmpty()) {
        break;
      }
      Exception failure = attempt(() -> target.apply(latestPerObject(batch)));
      if (failure != null) {
        return fail(lease, target, state, position, reconciledAt, now, failure);
      }
      position = batch.get(batch.size() - 1).id;
      delivered = true;
      if (!progress(lease, position, reconciledAt)) {
        return Outcome.BUSY;
      }
      if (batch.size() < config.batchSize()) {
        break;
      }
    }
    if (delivered || state.consecutiveFailures > 0) {
      update(
          "UPDATE push_target_state SET last_event_id = ?, consecutive_failures = 0,"
              + " last_error = NULL, last_attempt_at = ?, last_success_at = ?,"
              + " next_attempt_at = NULL, last_reconcile_at = ?, lease_owner = NULL,"
              + " lease_until = NULL WHERE name = ? AND lease_owner = ?",
          position,
          now,
          now,
          reconciledAt,
          lease.name,
          lease.token);
      lease.released = true;
    }
    return delivered ? Outcome.DELIVERED : Outcome.IDLE;
  }

  /** A call to the target; its failure, or null. */
  private static Exception attempt(TargetCall call) {
    try {
      call.run();
      return null;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return e;
    }
  }

  private Outcome fail(
      Lease lease,
      PushTarget target,
      State state,
      long position,
      Instant reconciledAt,
      Instant now,
      Exception e)
      throws SQLException {
    int failures = state.consecutiveFailures + 1;
    // From the failure, not the start: a call that ran into its deadline took that long already.
    Instant next = Instant.now().plus(backoff(failures));
    String error = errorOf(target, e);
    LOG.warnf("push to %s failed %d times, next try %s: %s", lease.name, failures, next, error);
    failureCounter.failed(lease.name);
    update(
        "UPDATE push_target_state SET last_event_id = ?, consecutive_failures = ?,"
            + " last_error = ?, last_attempt_at = ?, next_attempt_at = ?,"
            + " last_reconcile_at = ?, lease_owner = NULL, lease_until = NULL"
            + " WHERE name = ? AND lease_owner = ?",
        position,
        failures,
        error,
        now,
        next,
        reconciledAt,
        lease.name,
        lease.token);
    lease.released = true;
    return Outcome.FAILED;
  }

  /** Records a delivered step and extends the lease; false when the lease was lost. */
  private boolean progress(Lease lease, long position, Instant reconciledAt) throws SQLException {
    boolean held =
        update(
                "UPDATE push_target_state SET last_event_id = ?, last_reconcile_at = ?,"
                    + " lease_until = ? WHERE name = ? AND lease_owner = ?",
                position,
                reconciledAt,
                Instant.now().plus(config.lease()),
                lease.name,
                lease.token)
            == 1;
    if (!held) {
      LOG.warnf("push to %s: the lease expired during the delivery; stopping", lease.name);
      lease.released = true;
    }
    return held;
  }

  private void renew(String name, String token) {
    try {
      update(
          "UPDATE push_target_state SET lease_until = ? WHERE name = ? AND lease_owner = ?",
          Instant.now().plus(config.lease()),
          name,
          token);
    } catch (SQLException | RuntimeException e) {
      LOG.warnf("renewing the push lease of %s: %s", name, e.toString());
    }
  }

  /** Takes the target's lease, or says why not (BUSY, WAITING). */
  private Outcome claim(String name, String token, Instant now) throws SQLException {
    for (int tries = 0; tries < 2; tries++) {
      if (update(
              "UPDATE push_target_state SET lease_owner = ?, lease_until = ? WHERE name = ?"
                  + " AND (lease_until IS NULL OR lease_until < ?)"
                  + " AND (next_attempt_at IS NULL OR next_attempt_at <= ?)",
              token,
              now.plus(config.lease()),
              name,
              now,
              now)
          == 1) {
        return null;
      }
      try (Connection connection = dataSource.getConnection();
          PreparedStatement query =
              connection.prepareStatement(
                  "SELECT lease_until FROM push_target_state WHERE name = ?")) {
        query.setString(1, name);
        try (ResultSet rows = query.executeQuery()) {
          if (rows.next()) {
            Instant leased = instant(rows, 1);
            return leased != null && !leased.isBefore(now) ? Outcome.BUSY : Outcome.WAITING;
          }
        }
      }
      create(name);
    }
    return Outcome.BUSY;
  }

  private State read(Lease lease) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT last_event_id, consecutive_failures, last_reconcile_at"
                    + " FROM push_target_state WHERE name = ?")) {
      query.setString(1, lease.name);
      try (ResultSet rows = query.executeQuery()) {
        rows.next();
        return new State(rows.getLong(1), rows.getInt(2), instant(rows, 3));
      }
    }
  }

  /**
   * The next events after the position, stopping before a young gap in the ids: a writer that took
   * the missing id may still commit it. A gap older than gap-wait is a rolled-back insert.
   */
  private List<Event> pending(long position, Instant now) throws SQLException {
    List<Event> events = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query =
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

  private void create(String name) throws SQLException {
    try {
      update(
          "INSERT INTO push_target_state (name, last_event_id, consecutive_failures)"
              + " VALUES (?, 0, 0)",
          name);
    } catch (SQLException e) {
      // SQLState class 23 (integrity constraint violation): another replica created it first.
      // MariaDB's driver says so with a subclass, PostgreSQL's only with the state.
      if (e.getSQLState() == null || !e.getSQLState().startsWith("23")) {
        throw e;
      }
    }
  }

  /** One statement on its own connection, committed at once (autocommit). */
  private int update(String sql, Object... values) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      return update(connection, sql, values);
    }
  }

  private static int update(Connection connection, String sql, Object... values)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < values.length; i++) {
        Object value = values[i];
        if (value instanceof Instant instant) {
          value = LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
        }
        statement.setObject(i + 1, value);
      }
      return statement.executeUpdate();
    }
  }

  /** Timestamps are stored as UTC wall-clock time, like Hibernate's (jdbc.timezone=UTC). */
  static Instant instant(ResultSet rows, int column) throws SQLException {
    LocalDateTime value = rows.getObject(column, LocalDateTime.class);
    return value == null ? null : value.toInstant(ZoneOffset.UTC);
  }

  private static ThreadFactory daemon(String name) {
    return task -> {
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  @PreDestroy
  void stop() {
    workers.values().forEach(Worker::stop);
    leases.shutdownNow();
  }

  private interface TargetCall {
    void run() throws Exception;
  }

  /** A claim on a target: released once a final update cleared it. */
  private static final class Lease {
    final String name;
    final String token;
    boolean released;

    Lease(String name, String token) {
      this.name = name;
      this.token = token;
    }
  }

  private record State(long lastEventId, int consecutiveFailures, Instant lastReconcileAt) {}

  private record Event(long id, String kind, String key, Instant createdAt) {}
}
