package io.mailplane.sso;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Single sign-on: an identity provider's JWT access tokens accepted as bearer tokens (docs/sso.md).
 */
@ConfigMapping(prefix = "mailplane.sso")
public interface SsoConfig {
  /** Off by default: no JWT is accepted and no provider is contacted. */
  @WithDefault("false")
  boolean enabled();

  /**
   * The provider's issuer identifier, exactly as in its tokens' {@code iss} and its discovery
   * document (e.g. https://id.example.com/realms/mail). https, except on a loopback address.
   */
  Optional<String> issuer();

  /**
   * Where the discovery document is; default {@code <issuer>/.well-known/openid-configuration}. Its
   * {@code issuer} must equal {@link #issuer()} all the same.
   */
  Optional<String> discoveryUrl();

  /** Audiences of which a token's {@code aud} must name at least one (e.g. mailplane). */
  Optional<List<String>> audience();

  /**
   * Signature algorithms accepted, all public-key ones (RS*, PS*, ES*, EdDSA): an HMAC algorithm
   * would let anyone who saw the provider's public key sign tokens, and {@code none} is never
   * accepted.
   */
  @WithDefault("RS256")
  List<String> algorithms();

  /** How far the clocks of the provider and mailplane may differ for exp, nbf and iat. */
  @WithDefault("30s")
  Duration clockSkew();

  /**
   * The claim holding the mailbox address (Keycloak, Google: email; Entra ID: preferred_username).
   */
  @WithDefault("email")
  String mailboxClaim();

  /**
   * The claim listing the caller's groups (an array of strings, or one string); a dotted path
   * reaches into objects, e.g. realm_access.roles for Keycloak's realm roles.
   */
  @WithDefault("groups")
  String groupsClaim();

  /** Members of this group get the admin scope (the seed's OAUTH_ADMIN_GROUP). */
  Optional<String> adminGroup();

  /** Members of this group administer their own mailbox's domain (domain:&lt;its domain&gt;). */
  Optional<String> domainAdminGroup();

  /**
   * Creates the mailbox a valid token names when it does not exist yet, in a hosted domain, with an
   * unusable random password (the seed's OAUTH_CREATE_USER). Off: an unknown address is refused.
   */
  @WithDefault("false")
  boolean createMailbox();

  /** How long the provider's signing keys are used before they are fetched again. */
  @WithDefault("5m")
  Duration keysCacheTtl();

  /**
   * The least time between two fetches of the keys when tokens name a key id that is not known
   * (rotation): bounds what a stream of made-up key ids can make mailplane ask the provider.
   */
  @WithDefault("30s")
  Duration keysRefetchMinInterval();

  /** Connect and read timeout for the discovery document and the keys. */
  @WithDefault("5s")
  Duration providerTimeout();

  /** After a failed discovery, how long token checks answer 401 before it is tried again. */
  @WithDefault("10s")
  Duration discoveryRetryAfter();
}
