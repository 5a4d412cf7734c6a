package io.mailplane.dkim;

import io.mailplane.crypto.SecretCipher;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Stored DKIM keys cannot be pushed without the key that encrypted them: refuse to start then,
 * rather than fail later on the push path. Without stored keys, a missing crypto key only fails the
 * first request that would store one.
 */
@ApplicationScoped
public class DkimStartupCheck {
  @Inject SecretCipher cipher;

  void check(@Observes StartupEvent event) {
    if (!cipher.isConfigured() && DkimKey.count() > 0) {
      throw new IllegalStateException(
          "DKIM private keys are stored but no encryption key is configured: set"
              + " mailplane.crypto.keys.<id> and mailplane.crypto.active-key");
    }
  }
}
