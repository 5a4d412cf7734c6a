package io.mailplane.auth;

import io.mailplane.api.Timestamps;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.codec.digest.DigestUtils;

/**
 * Resolves mailbox sign-in sessions ({@code mps_} bearer tokens). The mailbox's roles and whether
 * it may still sign in are read with the session, so an admin flag taken away, a mailbox or domain
 * disabled, or a session ended takes effect within {@link AuthConfig#tokenCacheTtl()} on every
 * replica (at once on the replica that made the change).
 */
@ApplicationScoped
public class SessionVerifier {
  public static final String SECRET_PREFIX = "mps_";
  private static final int MAX_CACHED = 10_000;

  @Inject Instance<MailboxPrincipals> principals;
  @Inject AuthConfig config;

  private final SecureRandom random = new SecureRandom();
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(MailboxPrincipals.Session session, Instant cacheUntil) {}

  /** A fresh session secret: 256 random bits, shown once; only its hash is stored. */
  public String newSecret() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return SECRET_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public static String hashOf(String secret) {
    return DigestUtils.sha256Hex(secret);
  }

  Optional<MailboxPrincipals.Session> verify(String secret) {
    if (!principals.isResolvable()) {
      return Optional.empty();
    }
    String hash = hashOf(secret);
    Instant now = Timestamps.now();
    Cached cached = cache.get(hash);
    if (cached != null && cached.cacheUntil().isAfter(now)) {
      return cached.session().expiresAt().isAfter(now)
          ? Optional.of(cached.session())
          : Optional.empty();
    }
    Optional<MailboxPrincipals.Session> loaded = principals.get().session(hash);
    if (loaded.isPresent()) {
      if (cache.size() >= MAX_CACHED) {
        cache.clear();
      }
      cache.put(hash, new Cached(loaded.get(), now.plus(config.tokenCacheTtl())));
    } else {
      cache.remove(hash);
    }
    return loaded;
  }

  /** Forgets this replica's cached sessions of a mailbox whose sessions were ended or changed. */
  public void forget(String address) {
    cache.values().removeIf(c -> c.session().principal().address().equals(address));
  }
}
