package io.mailplane.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A weak bootstrap token stops a production start; dev and test keep their documented ones. */
class BootstrapTokenTest {
  private static final String DEV = "dev-admin-token-change-me-0123456789";

  @Test
  void weakTokensAreRefusedInProduction() {
    for (String weak :
        new String[] {
          "admin",
          "a".repeat(64),
          "adminadminadminadminadminadminadmin",
          "passwordpasswordpasswordpassword",
          "0101010101010101010101010101010101010101",
          DEV,
          "test-admin-token-0123456789abcdef0123",
        }) {
      assertTrue(BootstrapToken.weakness(weak, true).isPresent(), weak + " was accepted in prod");
    }
  }

  @Test
  void randomTokensPassInProduction() {
    SecureRandom random = new SecureRandom();
    for (int i = 0; i < 1000; i++) {
      // `openssl rand -hex 32` as documented, and the shortest random hex that is long enough.
      for (int bytes : new int[] {32, 16}) {
        byte[] secret = new byte[bytes];
        random.nextBytes(secret);
        String token = HexFormat.of().formatHex(secret);
        assertEquals(Optional.empty(), BootstrapToken.weakness(token, true), token);
      }
    }
  }

  @Test
  void devAndTestKeepTheirDocumentedTokensButNotShortOnes() {
    assertEquals(Optional.empty(), BootstrapToken.weakness(DEV, false));
    assertTrue(BootstrapToken.weakness("admin", false).isPresent());
  }
}
