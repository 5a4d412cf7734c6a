package io.mailplane.push;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;

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

  /** A certificate's files in the TLS volume (key: the certificate name). */
  public static final String TLS = "tls";

  /** Fired with every record; the publisher wakes when the writer's transaction commits. */
  public record Written() {}

  @Inject Event<Written> written;

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
   * One MAILBOX event per mailbox of a domain, in one statement, before a domain-wide change
   * (disable, delete) that affects every login of the domain.
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public void recordMailboxesOf(long domainId) {
    OutboxEvent.getEntityManager()
        .createQuery(
            "insert into OutboxEvent (kind, key, createdAt)"
                + " select :kind, m.address, :now from Mailbox m where m.domain.id = :domain")
        .setParameter("kind", MAILBOX)
        .setParameter("now", Instant.now())
        .setParameter("domain", domainId)
        .executeUpdate();
    written.fire(new Written());
  }
}
