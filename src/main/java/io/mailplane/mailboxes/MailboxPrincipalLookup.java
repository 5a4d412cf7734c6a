package io.mailplane.mailboxes;

import io.mailplane.api.Timestamps;
import io.mailplane.auth.MailboxPrincipal;
import io.mailplane.auth.MailboxPrincipals;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Tells authentication which mailboxes may sign in and with which flags. Send-only mailboxes may:
 * their password works for SMTP submission, so their owner must be able to change it.
 */
@ApplicationScoped
class MailboxPrincipalLookup implements MailboxPrincipals {
  /** The mailbox and its domain are enabled: what Dovecot's and Postfix's queries also require. */
  static final String MAY_SIGN_IN = "m.enabled = true and d.enabled = true";

  @Override
  public Optional<MailboxPrincipal> byAddress(String address) {
    if (address == null || address.length() > 320) {
      return Optional.empty();
    }
    return Optional.ofNullable(mayStillSignIn(address.strip().toLowerCase(Locale.ROOT)))
        .map(MailboxPrincipalLookup::principalOf);
  }

  /** The mailbox with this (lowercase) address if it may sign in now, with its domain; or null. */
  static Mailbox mayStillSignIn(String address) {
    List<Mailbox> found =
        Mailbox.getEntityManager()
            .createQuery(
                "select m from Mailbox m join fetch m.domain d where m.address = :address and "
                    + MAY_SIGN_IN,
                Mailbox.class)
            .setParameter("address", address)
            .getResultList();
    return found.isEmpty() ? null : found.get(0);
  }

  @Override
  public Optional<Session> session(String tokenHash) {
    List<MailboxSession> found =
        MailboxSession.getEntityManager()
            .createQuery(
                "select s from MailboxSession s join fetch s.mailbox m join m.domain d"
                    + " where s.tokenHash = :hash and s.expiresAt > :now and "
                    + MAY_SIGN_IN,
                MailboxSession.class)
            .setParameter("hash", tokenHash)
            .setParameter("now", Timestamps.now())
            .getResultList();
    return found.stream()
        .findFirst()
        .map(s -> new Session(s.tokenHash, principalOf(s.mailbox), s.expiresAt));
  }

  static MailboxPrincipal principalOf(Mailbox mailbox) {
    return new MailboxPrincipal(mailbox.address, mailbox.admin, mailbox.domainAdmin);
  }
}
