package io.mailplane.auth;

import io.mailplane.api.Timestamps;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.codec.digest.DigestUtils;

@ApplicationScoped
/** Resolves presented bearer secrets to tokens, with a cache and a set of known hashes. */
public class TokenVerifier {
  private static final int MAX_CACHED = 10_000;

  /** How often, at most, a replica asks the database for tokens created since it last looked. */
  private static final Duration KNOWN_REFRESH = Duration.ofSeconds(1);

  /**
   * How often the known hashes are read whole and replaced: auto-increment ids and created_at
   * values can commit out of order across replicas, so an incremental read alone could miss a row
   * forever; the full read also forgets rows deleted on another replica.
   */
  private static final Duration KNOWN_FULL_RELOAD = Duration.ofMinutes(1);

  /**
   * Incremental reads take rows created since the last read minus this much, for clock skew between
   * replicas and transactions that commit a while after they stamped created_at.
   */
  private static final Duration KNOWN_OVERLAP = Duration.ofMinutes(5);

  @Inject AuthConfig config;

  private final Map<String, Verified> cache = new ConcurrentHashMap<>();
  private byte[] bootstrapHash;

  /**
   * Hashes of the tokens in the database as of the last refresh (a superset: revoked ones stay
   * until the database says no). Lets a locked-out address still use a real token while its guesses
   * cost no database query.
   */
  private volatile Set<String> knownHashes = ConcurrentHashMap.newKeySet();

  private final Object knownLock = new Object();
  private Instant knownRefreshedAt = Instant.MIN;
  private Instant knownReloadedAt = Instant.MIN;

  /** A token known to be valid until cacheUntil (or its own expiry). */
  record Verified(String id, List<String> scopes, Instant expiresAt, Instant cacheUntil) {}

  @PostConstruct
  void init() {
    config
        .bootstrapToken()
        .ifPresent(
            token -> {
              BootstrapToken.weakness(token, LaunchMode.current() == LaunchMode.NORMAL)
                  .ifPresent(
                      weakness -> {
                        throw new IllegalStateException(
                            "MAILPLANE_BOOTSTRAP_TOKEN "
                                + weakness
                                + "; refusing to start. Set it to the output of `openssl rand -hex"
                                + " 32`, or unset it once a stored admin token exists");
                      });
              bootstrapHash = DigestUtils.sha256Hex(token).getBytes(StandardCharsets.US_ASCII);
            });
  }

  /**
   * Creates the bean (and so runs {@link #init()}) at start: the bean is otherwise made on the
   * first request, so a refused bootstrap token started the application and failed every request
   * instead of failing the start.
   */
  void checkAtStart(@Observes StartupEvent event) {
    // The observer's bean instance is all it takes.
  }

  /**
   * Resolves a presented secret to the token it belongs to, or empty when it is not valid.
   *
   * @param lookupUnknown false for an address locked out for failed attempts: then a secret whose
   *     hash is not a known token is refused without a database query, so a flood of guesses costs
   *     a hash and a set lookup each, while real tokens still work
   */
  public Optional<Verified> verify(String secret, boolean lookupUnknown) {
    String hash = DigestUtils.sha256Hex(secret);
    Instant now = Timestamps.now();
    if (bootstrapHash != null
        && MessageDigest.isEqual(bootstrapHash, hash.getBytes(StandardCharsets.US_ASCII))) {
      return Optional.of(new Verified("bootstrap", List.of(Scope.ADMIN), null, Instant.MAX));
    }
    Verified cached = cache.get(hash);
    if (cached != null && cached.cacheUntil().isAfter(now)) {
      return cached.expiresAt() != null && cached.expiresAt().isBefore(now)
          ? Optional.empty()
          : Optional.of(cached);
    }
    if (!lookupUnknown && !isKnown(hash)) {
      return Optional.empty();
    }
    Optional<Verified> loaded =
        QuarkusTransaction.requiringNew()
            .call(
                () -> {
                  ApiToken token = ApiToken.find("tokenHash", hash).firstResult();
                  if (token == null || (token.expiresAt != null && token.expiresAt.isBefore(now))) {
                    return Optional.<Verified>empty();
                  }
                  if (token.lastUsedAt == null
                      || token.lastUsedAt.plus(config.lastUsedResolution()).isBefore(now)) {
                    token.lastUsedAt = now;
                  }
                  return Optional.of(
                      new Verified(
                          token.id.toString(),
                          Arrays.asList(token.scopes.split(" ")),
                          token.expiresAt,
                          now.plus(config.tokenCacheTtl())));
                });
    if (loaded.isPresent()) {
      if (cache.size() >= MAX_CACHED) {
        cache.clear();
      }
      cache.put(hash, loaded.get());
    } else {
      cache.remove(hash);
    }
    return loaded;
  }

  /**
   * Whether a token with this hash existed at the last refresh. Tokens created on another replica
   * become known here within {@link #KNOWN_REFRESH} (recently created rows) and at the latest
   * within {@link #KNOWN_FULL_RELOAD} (every row).
   */
  private boolean isKnown(String hash) {
    if (knownHashes.contains(hash)) {
      return true;
    }
    synchronized (knownLock) {
      Instant now = Instant.now();
      if (knownRefreshedAt.plus(KNOWN_REFRESH).isAfter(now)) {
        return knownHashes.contains(hash);
      }
      if (knownReloadedAt.plus(KNOWN_FULL_RELOAD).isAfter(now)) {
        Instant since = knownRefreshedAt.minus(KNOWN_OVERLAP);
        knownHashes.addAll(
            QuarkusTransaction.requiringNew()
                .call(
                    () ->
                        ApiToken.<ApiToken>list("createdAt >= ?1", since).stream()
                            .map(t -> t.tokenHash)
                            .toList()));
      } else {
        Set<String> all = ConcurrentHashMap.newKeySet();
        all.addAll(
            QuarkusTransaction.requiringNew()
                .call(() -> ApiToken.<ApiToken>listAll().stream().map(t -> t.tokenHash).toList()));
        knownHashes = all;
        knownReloadedAt = now;
      }
      knownRefreshedAt = now;
      return knownHashes.contains(hash);
    }
  }

  /** A token just created here: known at once, without waiting for the next refresh. */
  public void created(String hash) {
    knownHashes.add(hash);
  }

  /**
   * Forgets the cached verdict for a revoked token. The hash stays among the known ones until the
   * next full reload: removing it before the delete commits could refuse the token while it is
   * still valid, and a known hash only means the database is asked, which enforces the revocation.
   */
  public void revoked(String id) {
    cache.values().removeIf(v -> v.id().equals(id));
  }
}
