package io.mailplane.auth;

import java.time.Instant;
import java.util.Optional;

/**
 * What authentication needs to know about mailboxes, implemented by the mailboxes feature (auth is
 * Platform and may not import it). Every answer is about a mailbox that may sign in now: it exists,
 * it and its domain are enabled.
 */
public interface MailboxPrincipals {
  /** A mailbox that may sign in, by its address (any case), or empty. */
  Optional<MailboxPrincipal> byAddress(String address);

  /** The unexpired sign-in session whose secret has this SHA-256 (hex), or empty. */
  Optional<Session> session(String tokenHash);

  /**
   * A sign-in session: its id (the hash of its secret), the mailbox and roles as they are now, and
   * its expiry.
   */
  record Session(String id, MailboxPrincipal principal, Instant expiresAt) {}
}
