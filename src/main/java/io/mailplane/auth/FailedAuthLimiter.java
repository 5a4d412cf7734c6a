package io.mailplane.auth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed authentications per client address in fixed windows. Kept per replica: an attacker
 * spreading over N replicas gets N times the budget, which is still far too slow against 256-bit
 * tokens.
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
