package io.mailplane.auth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed authentications per client address in fixed windows. A locked address gets 429 for
 * invalid tokens, which bounds the database queries its guesses cause, not the number of guesses
 * checked: they are still compared in memory with every known token (AuthFilter checks the token
 * before the lock), so guessing is limited only by the tokens' entropy (256 bits for {@code mpt_}
 * tokens; the bootstrap token is only required to be 32+ characters). Kept per replica.
 */
@ApplicationScoped
public class FailedAuthLimiter {
  private static final int MAX_TRACKED = 100_000;

  @Inject AuthConfig config;

  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  private record Window(Instant start, int failures) {}

  /** Seconds to wait when the address is locked out, empty when it may try. */
  public OptionalLong lockedFor(String address) {
    Window window = windows.get(address);
    Instant now = Instant.now();
    if (window == null || window.failures() < config.failedAttemptsPerWindow()) {
      return OptionalLong.empty();
    }
    Instant end = window.start().plus(config.failedAttemptsWindow());
    if (!end.isAfter(now)) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Math.max(1, Duration.between(now, end).toSeconds()));
  }

  public void recordFailure(String address) {
    Instant now = Instant.now();
    if (windows.size() > MAX_TRACKED) {
      windows.values().removeIf(w -> w.start().plus(config.failedAttemptsWindow()).isBefore(now));
    }
    windows.compute(
        address,
        (key, old) ->
            old == null || old.start().plus(config.failedAttemptsWindow()).isBefore(now)
                ? new Window(now, 1)
                : new Window(old.start(), old.failures() + 1));
  }
}
