package io.mailplane.auth;

import io.mailplane.common.MailAddress;
import java.util.List;

/**
 * The one place that turns a mailbox into scopes, as the seed's admin does: the {@code admin} flag
 * is the admin scope, {@code domain_admin} the scope of the mailbox's own domain, and everyone else
 * may reach only their own mailbox ({@code self:<address>}). Every way a mailbox signs in (mail
 * password, single sign-on) asks here, so the roles cannot drift apart.
 */
public final class MailboxRoles {
  private MailboxRoles() {}

  public static List<String> scopesOf(MailboxPrincipal principal) {
    if (principal.admin()) {
      return List.of(Scope.ADMIN);
    }
    if (principal.domainAdmin()) {
      return List.of(Scope.DOMAIN_PREFIX + MailAddress.domainOf(principal.address()));
    }
    return List.of(Scope.SELF_PREFIX + principal.address());
  }

  /** The role name for audit records and the session answer: admin, domain-admin or self. */
  public static String roleOf(MailboxPrincipal principal) {
    return principal.admin() ? "admin" : principal.domainAdmin() ? "domain-admin" : "self";
  }
}
