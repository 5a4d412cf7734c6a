package io.mailplane.events;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongConsumer;
import javax.sql.DataSource;

/**
 * The configuration revision: a counter in the one row of config_revision, advanced by every write
 * transaction, which also numbers the audit events (the change feed, GET /api/v1/events).
 *
 * <p>Audit events are written at the very end of their transaction (beforeCompletion): after the
 * transaction's own changes are flushed, the counter row is incremented, which locks it until
 * commit, and the events are inserted with the revisions just taken. So revisions are handed out in
 * commit order and without gaps (a rollback gives its numbers back), and a reader that asks for
 * "revision > last seen" can never miss an event that commits later with a lower number. Taking
 * this lock last, after every other lock of the transaction, keeps it out of deadlock cycles. The
 * price is that write transactions commit one at a time (docs/benchmarks.md).
 */
@ApplicationScoped
public class Revisions {
  private static final Object KEY = Revisions.class;

  @Inject TransactionSynchronizationRegistry registry;
  @Inject EntityManager em;
  @Inject DataSource dataSource;

  /** One row of audit_event, the audit log that is also the change feed. */
  public record Entry(
      Instant occurredAt,
      String actor,
      String action,
      String resourceType,
      String resourceKey,
      String domain,
      String beforeJson,
      String afterJson) {}

  /**
   * Queues an audit event of the current transaction; it gets its revision at commit when {@code
   * numbered}, else it is written without one (audit log only: not in the change feed, and the
   * revision does not move for it).
   */
  public void defer(boolean numbered, Entry event) {
    (numbered ? pending().events : pending().unnumbered).add(event);
  }

  /**
   * Calls back with the last revision this transaction took (when it commits with changes), so a
   * caller can answer with the revision its change produced rather than a later one.
   */
  public void onCommitted(LongConsumer listener) {
    pending().listeners.add(listener);
  }

  /**
   * The revision as seen by a caller confined to some domains (empty = sees everything): the last
   * change in its scope.
   */
  public long current(Optional<Set<String>> visibleDomains) {
    if (visibleDomains.isEmpty()) {
      Number value =
          (Number)
              em.createNativeQuery("SELECT revision FROM config_revision WHERE id = 1")
                  .getSingleResult();
      return value.longValue();
    }
    if (visibleDomains.get().isEmpty()) {
      return 0;
    }
    Number value =
        (Number)
            em.createNativeQuery(
                    "SELECT COALESCE(MAX(revision), 0) FROM audit_event WHERE domain IN (:domains)")
                .setParameter("domains", visibleDomains.get())
                .getSingleResult();
    return value.longValue();
  }

  /**
   * Locks the counter (as the last lock of the transaction: call it after all other changes are
   * made) and reads the revision of the caller's scope as it is committed now, so a conditional
   * write can compare it with the revision its client saw.
   */
  public long lockAndRead(Optional<Set<String>> visibleDomains) {
    em.flush();
    Number global =
        (Number)
            em.createNativeQuery("SELECT revision FROM config_revision WHERE id = 1 FOR UPDATE")
                .getSingleResult();
    if (visibleDomains.isEmpty()) {
      return global.longValue();
    }
    if (visibleDomains.get().isEmpty()) {
      return 0;
    }
    // A locking read sees the latest committed rows, not this transaction's snapshot; nobody can
    // add an audit event while the counter is locked.
    @SuppressWarnings("unchecked")
    List<Number> last =
        em.createNativeQuery(
                "SELECT revision FROM audit_event WHERE domain IN (:domains)"
                    + " AND revision IS NOT NULL ORDER BY revision DESC LIMIT 1 FOR UPDATE")
            .setParameter("domains", visibleDomains.get())
            .getResultList();
    return last.isEmpty() ? 0 : last.get(0).longValue();
  }

  private Pending pending() {
    Pending pending = (Pending) registry.getResource(KEY);
    if (pending == null) {
      pending = new Pending();
      registry.putResource(KEY, pending);
      registry.registerInterposedSynchronization(pending);
    }
    return pending;
  }

  private final class Pending implements Synchronization {
    final List<Entry> events = new ArrayList<>();
    final List<Entry> unnumbered = new ArrayList<>();
    final List<LongConsumer> listeners = new ArrayList<>();
    long last;

    @Override
    public void beforeCompletion() {
      if ((events.isEmpty() && unnumbered.isEmpty()) || registry.getRollbackOnly()) {
        return;
      }
      // Every row lock of the transaction is taken before the counter's.
      em.flush();
      // Closing returns the handle to the transaction, which keeps the physical connection.
      try (Connection connection = dataSource.getConnection()) {
        if (!unnumbered.isEmpty()) {
          insert(connection, unnumbered, null);
        }
        if (!events.isEmpty()) {
          write(connection);
        }
      } catch (SQLException e) {
        throw new IllegalStateException("cannot record the audit events", e);
      }
    }

    private void write(Connection connection) throws SQLException {
      try (PreparedStatement bump =
          connection.prepareStatement(
              "UPDATE config_revision SET revision = revision + ? WHERE id = 1")) {
        bump.setLong(1, events.size());
        if (bump.executeUpdate() != 1) {
          throw new SQLException("config_revision has no row 1");
        }
      }
      if (events.size() == 1 && listeners.isEmpty()) {
        // A single write's event takes its number from the counter in the insert itself: a
        // statement fewer while the counter is locked, which is the time every other writer waits
        // (docs/benchmarks.md "Single-object writes"). MariaDB's batch protocol refuses an
        // INSERT ... SELECT, so a batch reads the counter and inserts numbered rows.
        try (PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO audit_event (occurred_at, actor, action, resource_type, resource_key,"
                    + " domain, before_json, after_json, revision)"
                    + " SELECT ?, ?, ?, ?, ?, ?, ?, ?, revision FROM config_revision WHERE id = 1")) {
          bind(insert, events.get(0));
          insert.executeUpdate();
        }
        return;
      }
      try (PreparedStatement read =
              connection.prepareStatement("SELECT revision FROM config_revision WHERE id = 1");
          ResultSet rows = read.executeQuery()) {
        rows.next();
        last = rows.getLong(1);
      }
      insert(connection, events, last - events.size());
    }

    /** Inserts the events, numbered from {@code after + 1} or, when it is null, unnumbered. */
    private void insert(Connection connection, List<Entry> entries, Long after)
        throws SQLException {
      long revision = after == null ? 0 : after;
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO audit_event (occurred_at, actor, action, resource_type, resource_key,"
                  + " domain, before_json, after_json, revision)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (Entry event : entries) {
          bind(insert, event);
          if (after == null) {
            insert.setNull(9, Types.BIGINT);
          } else {
            insert.setLong(9, ++revision);
          }
          insert.addBatch();
        }
        insert.executeBatch();
      }
    }

    private static void bind(PreparedStatement insert, Entry event) throws SQLException {
      // Hibernate writes instants as UTC (quarkus.hibernate-orm.jdbc.timezone): so do we.
      insert.setObject(1, LocalDateTime.ofInstant(event.occurredAt(), ZoneOffset.UTC));
      insert.setString(2, event.actor());
      insert.setString(3, event.action());
      insert.setString(4, event.resourceType());
      insert.setString(5, event.resourceKey());
      insert.setString(6, event.domain());
      insert.setString(7, event.beforeJson());
      insert.setString(8, event.afterJson());
    }

    @Override
    public void afterCompletion(int status) {
      if (status == Status.STATUS_COMMITTED && last > 0) {
        listeners.forEach(listener -> listener.accept(last));
      }
    }
  }
}
