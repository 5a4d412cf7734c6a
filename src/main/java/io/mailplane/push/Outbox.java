package io.mailplane.push;

import jakarta.enterprise.context.ApplicationScoped;
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

  /** Must run inside the transaction of the change, so the event exists iff the change does. */
  @Transactional(Transactional.TxType.MANDATORY)
  public void record(String kind, String key) {
    OutboxEvent event = new OutboxEvent();
    event.kind = kind;
    event.key = key;
    event.createdAt = Instant.now();
    event.persist();
  }
}
