package io.mailplane.auth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * Counts failed authentications in fixed windows, per client address and per mailbox account.
 *
 * <p>A locked address gets 429 for invalid tokens, which bounds the database queries its guesses
 * cause, not the number of guesses checked: they are still compared in memory with every known
 * token (AuthFilter checks the token before the lock), so guessing is limited only by the tokens'
 * entropy (256 bits for {@code mpt_} tokens; the bootstrap token is only required to be 32+
 * characters). Mail-password sign-ins are refused while either their client address or their
 * account is locked: a password has far less entropy than a token, so guesses themselves must be
 * bounded, and the account window bounds them across many client addresses. Neither lock ever
 * refuses a valid bearer token. Kept per replica.
 */
@ApplicationScoped
public class FailedAuthLimiter {
  private static final int MAX_TRACKED = 100_000;

  @Inject AuthConfig config;

  private final Windows clients = new Windows(() -> config.failedAttemptsPerWindow());
  private final Windows accounts = new Windows(() -> config.failedSignInsPerAccount());

  /** Seconds to wait when the client address is locked out, empty when it may try. */
  public OptionalLong lockedFor(String clientAddress) {
    return clients.lockedFor(clientAddress);
  }

  public void recordFailure(String clientAddress) {
    clients.recordFailure(clientAddress);
  }

  /** Seconds to wait when the mailbox account is locked for sign-ins, empty when it may try. */
  public OptionalLong accountLockedFor(String account) {
    return accounts.lockedFor(account);
  }

  public void recordAccountFailure(String account) {
    accounts.recordFailure(account);
  }

  private record Window(Instant start, int failures) {}

  private final class Windows {
    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final IntSupplier budget;

    Windows(IntSupplier budget) {
      this.budget = budget;
    }

    OptionalLong lockedFor(String key) {
      Window window = windows.get(key);
      Instant now = Instant.now();
      if (window == null || window.failures() < budget.getAsInt()) {
        return OptionalLong.empty();
      }
      Instant end = window.start().plus(config.failedAttemptsWindow());
      if (!end.isAfter(now)) {
        return OptionalLong.empty();
      }
      return OptionalLong.of(Math.max(1, Duration.between(now, end).toSeconds()));
    }

    void recordFailure(String key) {
      Instant now = Instant.now();
      if (windows.size() > MAX_TRACKED) {
        windows.values().removeIf(w -> w.start().plus(config.failedAttemptsWindow()).isBefore(now));
      }
      windows.compute(
          key,
          (k, old) ->
              old == null || old.start().plus(config.failedAttemptsWindow()).isBefore(now)
                  ? new Window(now, 1)
                  : new Window(old.start(), old.failures() + 1));
    }
  }
}
