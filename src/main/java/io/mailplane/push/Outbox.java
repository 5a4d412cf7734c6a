package io.mailplane.push;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Records that the mail containers must re-read an object. An event names the object, never the
 * change: a target re-sends the object's full current state, so replays and reordering are safe.
 */
@ApplicationScoped
public class Outbox {
  /** A domain's DKIM signing keys (key: the domain's A-label). */
  public static final String DKIM = "dkim";

  /** A mailbox's login state: password, enabled, existence (key: the address). */
  public static final String MAILBOX = "mailbox";

  /**
   * A mailbox's open IMAP/POP3 sessions are to end (key: the address): its owner changed the
   * password and asked for it.
   */
  public static final String SESSIONS = "mailbox-sessions";

  /**
   * Many mailboxes of a domain were created at once (key: the domain): a bulk load records one of
   * these per domain of a batch instead of a {@link #MAILBOX} event per new mailbox. A new mailbox
   * has no session to end and no cached login but, perhaps, a cached "unknown user": a target
   * forgets all its cached logins once, as its reconcile does every few minutes anyway.
   */
  public static final String NEW_MAILBOXES = "new-mailboxes";

  /**
   * Above this many new mailboxes in one batch, {@link #NEW_MAILBOXES} events per domain replace
   * the events per mailbox: a few keep their own, so Dovecot keeps the rest of its login cache.
   */
  public static final int NEW_MAILBOXES_ABOVE = 20;

  /** A certificate's files in the TLS volume (key: the certificate name). */
  public static final String TLS = "tls";

  /** A fetchmail account, for the seed's fetchmailmgr (key: the account id). */
  public static final String FETCHMAIL = "fetchmail";

  /** Fired with every record; the publisher wakes when the writer's transaction commits. */
  public record Written() {}

  @Inject Event<Written> written;
  @Inject DataSource dataSource;

  /** Must run inside the transaction of the change, so the event exists iff the change does. */
  @Transactional(Transactional.TxType.MANDATORY)
  public void record(String kind, String key) {
    OutboxEvent event = new OutboxEvent();
    event.kind = kind;
    event.key = key;
    event.createdAt = Instant.now();
    event.persist();
    written.fire(new Written());
  }

  /**
   * One event per key that a query yields, in one insert-select statement, for a change that
   * affects many objects at once (every mailbox of a domain that is disabled or deleted).
   *
   * @param keyExpression the JPQL expression of the key, e.g. "m.address"
   * @param from the rest of the query after "from", e.g. "Mailbox m where m.domain.id = :domain"
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public void recordEach(
      String kind, String keyExpression, String from, Map<String, Object> parameters) {
    Query insert =
        OutboxEvent.getEntityManager()
            .createQuery(
                "insert into OutboxEvent (kind, key, createdAt) select :kind, "
                    + keyExpression
                    + ", :now from "
                    + from)
            .setParameter("kind", kind)
            .setParameter("now", Instant.now());
    parameters.forEach(insert::setParameter);
    insert.executeUpdate();
    written.fire(new Written());
  }

  /**
   * One event per key, in one batched insert, for many objects changed in one transaction (an
   * import chunk): the same rows as {@link #record} for each key, without a statement each.
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public void recordAll(String kind, Collection<String> keys) {
    if (keys.isEmpty()) {
      return;
    }
    // The transaction's own pending changes go first, as they would with record().
    OutboxEvent.getEntityManager().flush();
    LocalDateTime now = LocalDateTime.ofInstant(Instant.now(), ZoneOffset.UTC);
    // Closing returns the handle to the transaction, which keeps the physical connection.
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO outbox_event (kind, event_key, created_at) VALUES (?, ?, ?)")) {
      for (String key : keys) {
        // Hibernate writes instants as UTC (quarkus.hibernate-orm.jdbc.timezone): so do we.
        insert.setString(1, kind);
        insert.setString(2, key);
        insert.setObject(3, now);
        insert.addBatch();
      }
      insert.executeBatch();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot record the outbox events", e);
    }
    written.fire(new Written());
  }
}
