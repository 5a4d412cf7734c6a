package io.mailplane.auth;

import io.mailplane.api.ApiException;
import io.mailplane.common.DomainNames;

/**
 * Parses and normalizes token scopes: admin, read, domain:&lt;name&gt;. A fourth kind,
 * self:&lt;address&gt;, is only ever granted to a signed-in mailbox (see {@link MailboxRoles}); API
 * tokens cannot carry it.
 */
public final class Scope {
  public static final String ADMIN = "admin";
  public static final String READ = "read";
  public static final String DOMAIN_PREFIX = "domain:";
  public static final String SELF_PREFIX = "self:";

  private Scope() {}

  public static String normalize(String scope, String field) {
    if (scope == null) {
      throw ApiException.invalid(field, "must not be null");
    }
    String trimmed = scope.trim();
    if (trimmed.equals(ADMIN) || trimmed.equals(READ)) {
      return trimmed;
    }
    if (trimmed.startsWith(DOMAIN_PREFIX)) {
      return DOMAIN_PREFIX
          + DomainNames.normalize(trimmed.substring(DOMAIN_PREFIX.length()), field);
    }
    throw ApiException.invalid(field, "must be 'admin', 'read' or 'domain:<name>'");
  }
}
