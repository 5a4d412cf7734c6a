package io.mailplane.events;

import io.mailplane.push.Outbox;

/**
 * The kinds of configuration object a change is recorded for: the audit log's resource type and the
 * change feed's resource (its wire name), and which outbox kind, if any, tells the mail containers
 * to re-read the object.
 */
public enum Resource {
  DOMAIN("domain", null),
  ALIAS_DOMAIN("alias-domain", null),
  MAILBOX("mailbox", Outbox.MAILBOX),
  ALIAS("alias", null),
  DKIM("dkim", Outbox.DKIM),
  FETCHMAIL_ACCOUNT("fetchmail-account", Outbox.FETCHMAIL),
  // The certificate's files reach the daemons once they are written (tls/CertificateFiles), not
  // with the change of its settings.
  CERTIFICATE("certificate", null),
  TOKEN("token", null);

  private final String wireName;
  private final String outboxKind;

  Resource(String wireName, String outboxKind) {
    this.wireName = wireName;
    this.outboxKind = outboxKind;
  }

  /** As stored in audit_event.resource_type and sent in the change feed, e.g. "alias-domain". */
  public String wireName() {
    return wireName;
  }

  /** The Outbox kind a change of this resource records, or null when nothing is pushed. */
  public String outboxKind() {
    return outboxKind;
  }
}
