package io.mailplane.auth;

import io.mailplane.api.ApiException;
import io.mailplane.api.ProblemKind;
import io.mailplane.common.MailAddress;
import jakarta.enterprise.context.RequestScoped;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who is calling, and what they may touch. Objects outside a domain-scoped caller's domains are
 * reported as not found, never as forbidden, so a token cannot learn what exists elsewhere.
 */
@RequestScoped
public class Caller {
  private String id = "anonymous";
  private boolean admin;
  private boolean readAll;
  private Set<String> domains = Set.of();
  private String self;
  private String sessionId;

  void authenticate(String id, Collection<String> scopes) {
    this.id = id;
    // From nothing: an external credential may have acted for an admin (creating its mailbox)
    // in this request before it was authenticated with its own scopes.
    admin = false;
    readAll = false;
    self = null;
    Set<String> scoped = new TreeSet<>();
    for (String scope : scopes) {
      if (scope.equals(Scope.ADMIN)) {
        admin = true;
      } else if (scope.equals(Scope.READ)) {
        readAll = true;
      } else if (scope.startsWith(Scope.DOMAIN_PREFIX)) {
        scoped.add(scope.substring(Scope.DOMAIN_PREFIX.length()));
      } else if (scope.startsWith(Scope.SELF_PREFIX)) {
        self = scope.substring(Scope.SELF_PREFIX.length());
      }
    }
    domains = Set.copyOf(scoped);
  }

  /**
   * A signed-in mailbox, acting with the scopes {@link MailboxRoles} derives from its flags.
   *
   * @param sessionId the sign-in session presented, or null when the mailbox is named by another
   *     credential (an identity provider's token)
   */
  void authenticateMailbox(MailboxPrincipal principal, String sessionId) {
    authenticate(mailboxId(principal.address()), principal.scopes());
    this.sessionId = sessionId;
  }

  /** The actor name of a mailbox in audit records. */
  public static String mailboxId(String address) {
    return "mailbox:" + address;
  }

  /**
   * Names the mailbox that is signing in as the actor of what the sign-in records, before it holds
   * any scope; it grants none.
   */
  public void identifyMailbox(String address) {
    this.id = mailboxId(address);
  }

  /**
   * Names a background job as the actor of what it records (audit events) in its own request
   * context; it grants no scopes.
   */
  public void identifyJob(String name) {
    this.id = "job:" + name;
  }

  /**
   * A background job that carries out what an admin asked for (an import) in its own request
   * context: it acts with admin rights, and the audit names the admin who asked.
   */
  public void actForAdmin(String adminId) {
    this.id = adminId;
    this.admin = true;
  }

  /**
   * Who a caller is and what it may touch, fixed: a job the caller started acts with it later, on
   * another thread and in its own request context ({@link #actAs}).
   */
  public record Grant(
      String id, boolean admin, boolean readAll, Set<String> domains, String self) {}

  public Grant grant() {
    return new Grant(id, admin, readAll, domains, self);
  }

  /** Takes on the rights of a caller that started a job; the audit names that caller. */
  public void actAs(Grant grant) {
    id = grant.id();
    admin = grant.admin();
    readAll = grant.readAll();
    domains = grant.domains();
    self = grant.self();
    sessionId = null;
  }

  public String id() {
    return id;
  }

  public boolean canRead(String domain) {
    return admin || readAll || domains.contains(domain);
  }

  public boolean canWrite(String domain) {
    return admin || domains.contains(domain);
  }

  /** Reading one mailbox (and what hangs off it): its domain's readers, and the mailbox itself. */
  public boolean canReadMailbox(String address) {
    return address.equals(self) || canRead(MailAddress.domainOf(address));
  }

  /** Changing one mailbox's own things (password, fetchmail accounts). */
  public boolean canWriteMailbox(String address) {
    return address.equals(self) || canWrite(MailAddress.domainOf(address));
  }

  /** As {@link #requireWrite}, for something of one mailbox. */
  public void requireWriteMailbox(String address, ApiException notFound) {
    if (!canReadMailbox(address)) {
      throw notFound;
    }
    if (!canWriteMailbox(address)) {
      throw new ApiException(
          ProblemKind.FORBIDDEN,
          "this token may not change objects in " + MailAddress.domainOf(address));
    }
  }

  /**
   * The one mailbox a caller with only the {@code self} role may see; empty for every other caller.
   * Lists use it in place of {@link #visibleDomains()}.
   */
  public Optional<String> selfMailbox() {
    return isSelfOnly() ? Optional.of(self) : Optional.empty();
  }

  boolean isSelfOnly() {
    return self != null && !admin && !readAll && domains.isEmpty();
  }

  /** The sign-in session this request presented, if it is one (to end the others). */
  public Optional<String> sessionId() {
    return Optional.ofNullable(sessionId);
  }

  /** The domains this caller is confined to, or empty when it sees every domain. */
  public Optional<Set<String>> visibleDomains() {
    return admin || readAll ? Optional.empty() : Optional.of(domains);
  }

  /** Whether the caller holds the admin scope, for fields only an admin may change. */
  public boolean isAdmin() {
    return admin;
  }

  /** Admin-only operations: server-wide objects such as tokens and domains. */
  public void requireAdmin() {
    if (!admin) {
      throw new ApiException(ProblemKind.FORBIDDEN, "this operation needs the 'admin' scope");
    }
  }

  /** Reading server-wide data (audit, tokens): admin or read. */
  public void requireReadAll() {
    if (!admin && !readAll) {
      throw new ApiException(
          ProblemKind.FORBIDDEN, "this operation needs the 'admin' or 'read' scope");
    }
  }

  /**
   * For an object in a domain: not visible → 404 (as if absent); visible but read-only → 403.
   *
   * @param notFound what the caller would be told if the object did not exist
   */
  public void requireWrite(String domain, ApiException notFound) {
    requireRead(domain, notFound);
    if (!canWrite(domain)) {
      throw new ApiException(
          ProblemKind.FORBIDDEN, "this token may not change objects in " + domain);
    }
  }

  public void requireRead(String domain, ApiException notFound) {
    if (!canRead(domain)) {
      throw notFound;
    }
  }

  /** False for read-only tokens: they may change nothing anywhere. */
  public boolean canWriteSomething() {
    return admin || !domains.isEmpty() || self != null;
  }

  /** Fails fast for callers that may write nothing at all (read-only tokens). */
  public void requireSomeWrite() {
    if (!canWriteSomething()) {
      throw new ApiException(ProblemKind.FORBIDDEN, "this token has read-only scope");
    }
  }
}
