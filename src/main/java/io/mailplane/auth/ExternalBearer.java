package io.mailplane.auth;

import java.util.List;
import java.util.Optional;

/**
 * A bearer credential that mailplane did not issue, such as an identity provider's JWT. A feature
 * above the platform layer contributes the bean (the sso package), so {@link AuthFilter} checks it
 * without knowing mailboxes or providers.
 */
public interface ExternalBearer {
  /** Whether the secret has this credential's shape, decided from its syntax alone. */
  boolean recognizes(String secret);

  /**
   * The caller the credential proves, or empty when it proves nothing (bad signature, foreign
   * issuer, no such mailbox, provider unreachable). Never throws for a bad credential.
   */
  Optional<Identity> verify(String secret);

  /**
   * Runs once the caller is authenticated as {@code identity}, e.g. to audit what it was granted.
   */
  void authenticated(Identity identity);

  /** Who the credential names (the actor in audit events) and the scopes it grants. */
  record Identity(String id, List<String> scopes) {}
}
