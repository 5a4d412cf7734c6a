package io.mailplane.auth;

import java.util.List;

/**
 * A mailbox that proved who it is (mail password, or an identity provider naming it), with the seed
 * admin's two flags as they are stored now.
 *
 * @param address the lowercase address
 */
public record MailboxPrincipal(String address, boolean admin, boolean domainAdmin) {
  /** The scopes this mailbox acts with: {@link MailboxRoles#scopesOf}. */
  public List<String> scopes() {
    return MailboxRoles.scopesOf(this);
  }
}
