package io.mailplane.mailboxes;

import io.mailplane.api.ApiException;
import io.mailplane.api.ProblemKind;
import io.mailplane.api.Timestamps;
import io.mailplane.audit.Changes;
import io.mailplane.auth.AuthConfig;
import io.mailplane.auth.Caller;
import io.mailplane.auth.FailedAuthLimiter;
import io.mailplane.auth.MailboxPrincipal;
import io.mailplane.auth.MailboxRoles;
import io.mailplane.auth.SessionVerifier;
import io.mailplane.events.Action;
import io.mailplane.events.Resource;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Mailbox sign-in with the mail password, and the sessions it opens. Unknown addresses, disabled
 * mailboxes or domains and wrong passwords get the same answer after the same work (a password
 * check against a dummy hash of the configured scheme), so the answer tells nobody which addresses
 * exist.
 */
@ApplicationScoped
public class MailboxSignIn {
  /** Live sessions one mailbox may hold; signing in again past it ends the oldest. */
  static final int MAX_SESSIONS = 20;

  static final int MAX_ADDRESS = 320;
  static final int MAX_PASSWORD = 1024;

  @Inject PasswordHasher hasher;
  @Inject FailedAuthLimiter limiter;
  @Inject SessionVerifier sessions;
  @Inject AuthConfig authConfig;
  @Inject Changes changes;
  @Inject Caller caller;

  private String dummyHash;

  @PostConstruct
  void makeDummyHash() {
    dummyHash = hasher.hashWithoutPolicy(sessions.newSecret());
  }

  @Transactional
  public SessionDto signIn(SignInDto request, String clientAddress) {
    String address = request.address();
    String password = request.password();
    if (address == null || address.isBlank()) {
      throw ApiException.invalid("address", "required");
    }
    if (password == null || password.isEmpty()) {
      throw ApiException.invalid("password", "required");
    }
    if (address.length() > MAX_ADDRESS) {
      throw ApiException.invalid("address", "must be at most " + MAX_ADDRESS + " characters");
    }
    if (password.length() > MAX_PASSWORD) {
      throw ApiException.invalid("password", "must be at most " + MAX_PASSWORD + " characters");
    }
    String account = address.strip().toLowerCase(Locale.ROOT);
    OptionalLong locked = limiter.lockedFor(clientAddress);
    if (locked.isEmpty()) {
      locked = limiter.accountLockedFor(account);
    }
    if (locked.isPresent()) {
      throw rateLimited("too many failed sign-ins; try again later", locked);
    }
    Mailbox mailbox = MailboxPrincipalLookup.mayStillSignIn(account);
    boolean matches = hasher.matches(password, mailbox == null ? dummyHash : mailbox.passwordHash);
    if (mailbox == null || !matches) {
      limiter.recordFailure(clientAddress);
      limiter.recordAccountFailure(account);
      throw new ApiException(
          ProblemKind.UNAUTHORIZED,
          "wrong address or password, or this mailbox may not sign in",
          List.of(),
          Map.of("WWW-Authenticate", "Bearer realm=\"mailplane\""));
    }
    caller.identifyMailbox(mailbox.address);
    Instant now = Timestamps.now();
    MailboxSession.delete("mailbox = ?1 and expiresAt <= ?2", mailbox, now);
    List<MailboxSession> live =
        MailboxSession.<MailboxSession>list("mailbox = ?1 order by createdAt", mailbox);
    for (int i = 0; i <= live.size() - MAX_SESSIONS; i++) {
      live.get(i).delete();
    }
    String secret = sessions.newSecret();
    MailboxSession session = new MailboxSession();
    session.tokenHash = SessionVerifier.hashOf(secret);
    session.mailbox = mailbox;
    session.createdAt = now;
    session.expiresAt = now.plus(authConfig.sessionLifetime());
    session.persist();
    SessionDto granted = dto(MailboxPrincipalLookup.principalOf(mailbox), null, session.expiresAt);
    // A sign-in grants a role: recorded like the creation of a token, without the secret.
    changes.record(
        Resource.MAILBOX, Action.SIGN_IN, mailbox.address, mailbox.domain.name, null, granted);
    return dto(MailboxPrincipalLookup.principalOf(mailbox), secret, session.expiresAt);
  }

  /** The session the caller presented, as it stands now. */
  public SessionDto current() {
    MailboxSession session = presented();
    return dto(MailboxPrincipalLookup.principalOf(session.mailbox), null, session.expiresAt);
  }

  /** Ends the session the caller presented. */
  @Transactional
  public void signOut() {
    MailboxSession session = presented();
    String address = session.mailbox.address;
    session.delete();
    sessions.forget(address);
  }

  /** Ends every session of a mailbox but the one this request presented (if any). */
  @Transactional(Transactional.TxType.MANDATORY)
  void endOtherSessions(Mailbox mailbox) {
    String keep = caller.sessionId().orElse("");
    MailboxSession.delete("mailbox = ?1 and tokenHash <> ?2", mailbox, keep);
    sessions.forget(mailbox.address);
  }

  private MailboxSession presented() {
    MailboxSession session =
        caller.sessionId().map(id -> MailboxSession.<MailboxSession>findById(id)).orElse(null);
    if (session == null) {
      throw new ApiException(
          ProblemKind.NOT_FOUND, "this request presents no mailbox sign-in session");
    }
    return session;
  }

  /** 429 with the seconds until the window ends, as AuthFilter answers a locked address. */
  static ApiException rateLimited(String detail, OptionalLong seconds) {
    return new ApiException(
        ProblemKind.RATE_LIMITED,
        detail,
        List.of(),
        Map.of("Retry-After", Long.toString(seconds.getAsLong())));
  }

  private static SessionDto dto(MailboxPrincipal principal, String secret, Instant expiresAt) {
    return new SessionDto(
        secret, principal.address(), MailboxRoles.roleOf(principal), principal.scopes(), expiresAt);
  }
}
