package io.mailplane.sso;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.ResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.UnknownHostException;
import java.text.ParseException;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The configured OpenID Connect provider: its discovery document, its signing keys (JWKS) and the
 * checks a token must pass. The keys come from nimbus-jose-jwt's key source, which caches them,
 * fetches them again when a token names an unknown key id (rotation) and rate-limits those fetches.
 */
@ApplicationScoped
public class IdentityProvider {
  private static final Logger LOG = Logger.getLogger(IdentityProvider.class);

  /** Public-key signature algorithms only (see {@link SsoConfig#algorithms()}). */
  private static final Set<JWSAlgorithm> ACCEPTABLE =
      Set.of(
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.PS256,
          JWSAlgorithm.PS384,
          JWSAlgorithm.PS512,
          JWSAlgorithm.ES256,
          JWSAlgorithm.ES384,
          JWSAlgorithm.ES512,
          JWSAlgorithm.Ed25519,
          JWSAlgorithm.EdDSA);

  /** A discovery document or key set larger than this is refused. */
  private static final int MAX_DOCUMENT_BYTES = 256 * 1024;

  @Inject SsoConfig config;
  @Inject ObjectMapper json;

  private final Object discoveryLock = new Object();
  private volatile ConfigurableJWTProcessor<SecurityContext> processor;
  private Instant discoveryFailedAt = Instant.MIN;

  /** Refuses to start with settings that would accept forged tokens or none at all. */
  void checkAtStart(@Observes StartupEvent event) {
    if (config.enabled()) {
      issuer();
      algorithms();
      audiences();
    }
  }

  /**
   * The claims of a token signed by the provider with an accepted algorithm and key, issued by the
   * configured issuer for a configured audience, not expired; empty for any other token.
   */
  public Optional<JWTClaimsSet> verify(String token) {
    ConfigurableJWTProcessor<SecurityContext> ready = processor();
    if (ready == null) {
      return Optional.empty();
    }
    try {
      // SignedJWT.parse refuses an unsecured ("alg": "none") token before any check runs.
      return Optional.of(ready.process(SignedJWT.parse(token), null));
    } catch (ParseException | com.nimbusds.jose.proc.BadJOSEException e) {
      LOG.debugf("bearer JWT refused: %s", e.getMessage());
      return Optional.empty();
    } catch (com.nimbusds.jose.JOSEException e) {
      LOG.warnf("bearer JWT not verifiable (provider keys unavailable?): %s", e.getMessage());
      return Optional.empty();
    }
  }

  public String issuer() {
    String issuer =
        config
            .issuer()
            .filter(s -> !s.isBlank())
            .orElseThrow(
                () ->
                    new IllegalStateException("mailplane.sso.enabled needs mailplane.sso.issuer"));
    requireSecureUrl(issuer, "mailplane.sso.issuer");
    return issuer;
  }

  private ConfigurableJWTProcessor<SecurityContext> processor() {
    ConfigurableJWTProcessor<SecurityContext> ready = processor;
    if (ready != null) {
      return ready;
    }
    synchronized (discoveryLock) {
      if (processor != null) {
        return processor;
      }
      Instant now = Instant.now();
      if (discoveryFailedAt.plus(config.discoveryRetryAfter()).isAfter(now)) {
        return null;
      }
      try {
        processor = build();
      } catch (IOException | RuntimeException e) {
        discoveryFailedAt = now;
        LOG.warnf("OpenID discovery at %s failed: %s", discoveryUrl(), e.getMessage());
      }
      return processor;
    }
  }

  private ConfigurableJWTProcessor<SecurityContext> build() throws IOException {
    int timeout = Math.toIntExact(config.providerTimeout().toMillis());
    ResourceRetriever retriever =
        new DefaultResourceRetriever(timeout, timeout, MAX_DOCUMENT_BYTES);
    String issuer = issuer();
    JsonNode discovery =
        json.readTree(retriever.retrieveResource(toUrl(discoveryUrl())).getContent());
    // OpenID Connect Discovery 1.0, section 4.3: the document must name the issuer it was asked
    // for, or a document served elsewhere could substitute its own keys.
    if (!issuer.equals(discovery.path("issuer").asText())) {
      throw new IllegalStateException(
          "the discovery document names issuer '"
              + discovery.path("issuer").asText()
              + "', not '"
              + issuer
              + "'");
    }
    String jwksUri = discovery.path("jwks_uri").asText("");
    requireSecureUrl(jwksUri, "the discovery document's jwks_uri");
    JWKSource<SecurityContext> keys =
        JWKSourceBuilder.<SecurityContext>create(toUrl(jwksUri), retriever)
            .cache(config.keysCacheTtl().toMillis(), config.providerTimeout().toMillis())
            .rateLimited(config.keysRefetchMinInterval().toMillis())
            .retrying(false)
            .refreshAheadCache(false)
            .build();
    DefaultJWTProcessor<SecurityContext> built = new DefaultJWTProcessor<>();
    // Access tokens are typed JWT (Keycloak, Entra ID), at+jwt (RFC 9068) or untyped (Google).
    built.setJWSTypeVerifier(
        new DefaultJOSEObjectTypeVerifier<>(
            JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null));
    built.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms(), keys));
    DefaultJWTClaimsVerifier<SecurityContext> claims =
        new DefaultJWTClaimsVerifier<>(
            audiences(),
            new JWTClaimsSet.Builder().issuer(issuer).build(),
            Set.of("sub", "exp"),
            null);
    claims.setMaxClockSkew(Math.toIntExact(config.clockSkew().toSeconds()));
    built.setJWTClaimsSetVerifier(claims);
    LOG.infof("single sign-on: issuer %s, keys at %s", issuer, jwksUri);
    return built;
  }

  private String discoveryUrl() {
    return config
        .discoveryUrl()
        .filter(s -> !s.isBlank())
        .orElseGet(
            () -> {
              String issuer = issuer();
              return (issuer.endsWith("/") ? issuer : issuer + "/")
                  + ".well-known/openid-configuration";
            });
  }

  private Set<JWSAlgorithm> algorithms() {
    Set<JWSAlgorithm> chosen = new LinkedHashSet<>();
    for (String name : config.algorithms()) {
      JWSAlgorithm algorithm = JWSAlgorithm.parse(name.trim());
      if (!ACCEPTABLE.contains(algorithm)) {
        throw new IllegalStateException(
            "mailplane.sso.algorithms: '"
                + name
                + "' is not accepted; use public-key algorithms only (RS256, PS256, ES256, EdDSA,"
                + " ...)");
      }
      chosen.add(algorithm);
    }
    return chosen;
  }

  private Set<String> audiences() {
    List<String> audience = config.audience().orElse(List.of());
    Set<String> accepted = new HashSet<>();
    for (String value : audience) {
      if (!value.isBlank()) {
        accepted.add(value.trim());
      }
    }
    if (accepted.isEmpty()) {
      // Without an audience check a token the provider issued to any other application would
      // be accepted here.
      throw new IllegalStateException("mailplane.sso.enabled needs mailplane.sso.audience");
    }
    return accepted;
  }

  /** https, or http only to this machine (a provider in a test or beside mailplane). */
  private static void requireSecureUrl(String value, String what) {
    URI uri;
    try {
      uri = URI.create(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(what + " is not a URL: " + value, e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("https")) {
      return;
    }
    if (scheme.equals("http") && isLoopback(uri.getHost())) {
      return;
    }
    throw new IllegalStateException(
        what + " must be an https URL (http only on loopback): " + value);
  }

  private static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!host.matches("[0-9.]+|\\[[0-9a-fA-F:]+\\]")) {
      return false; // a name would need a DNS lookup, which may answer differently later
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static URL toUrl(String value) throws MalformedURLException {
    return URI.create(value).toURL();
  }
}
