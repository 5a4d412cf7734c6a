package io.mailplane.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SecretCipherTest {
  private static final String K1 = "442vtSnjZqOQQk5yIrXkMiYjIxe5TqbOXG2LBoEl6Ts=";
  private static final String K2 = "MZq7DgDHyeIspfjsGkptYd9dnRYl8Vxyv4Po8yOtCwk=";
  private static final byte[] SECRET =
      "-----BEGIN PRIVATE KEY-----".getBytes(StandardCharsets.UTF_8);

  static SecretCipher cipher(Map<String, String> keys, String active) {
    SecretCipher cipher = new SecretCipher();
    cipher.config =
        new CryptoConfig() {
          @Override
          public Map<String, String> keys() {
            return keys;
          }

          @Override
          public Optional<String> activeKey() {
            return Optional.ofNullable(active);
          }
        };
    cipher.load();
    return cipher;
  }

  @Test
  void roundTripAndFreshIvEachTime() {
    SecretCipher cipher = cipher(Map.of("a", K1), "a");
    String first = cipher.encrypt(SECRET, "ctx");
    String second = cipher.encrypt(SECRET, "ctx");
    assertTrue(first.startsWith("v1:a:"));
    assertFalse(first.equals(second));
    assertArrayEquals(SECRET, cipher.decrypt(first, "ctx"));
  }

  @Test
  void tamperingIsDetected() {
    SecretCipher cipher = cipher(Map.of("a", K1), "a");
    String sealed = cipher.encrypt(SECRET, "ctx");
    byte[] raw = Base64.getDecoder().decode(sealed.substring("v1:a:".length()));
    raw[raw.length - 1] ^= 1;
    String flipped = "v1:a:" + Base64.getEncoder().encodeToString(raw);
    assertThrows(SecretDecryptionException.class, () -> cipher.decrypt(flipped, "ctx"));
    // moved to another row (other context): refused as well
    assertThrows(SecretDecryptionException.class, () -> cipher.decrypt(sealed, "other"));
    assertThrows(SecretDecryptionException.class, () -> cipher.decrypt("garbage", "ctx"));
  }

  @Test
  void rotationDecryptsOldAndReencryptsWithActive() {
    String old = cipher(Map.of("a", K1), "a").encrypt(SECRET, "ctx");
    SecretCipher rotated = cipher(Map.of("a", K1, "b", K2), "b");
    assertArrayEquals(SECRET, rotated.decrypt(old, "ctx"));
    assertTrue(rotated.needsReencryption(old));
    String fresh = rotated.reencrypt(old, "ctx");
    assertTrue(fresh.startsWith("v1:b:"));
    assertFalse(rotated.needsReencryption(fresh));
    // once "a" is removed, only the re-encrypted value opens
    SecretCipher onlyB = cipher(Map.of("b", K2), "b");
    assertArrayEquals(SECRET, onlyB.decrypt(fresh, "ctx"));
    assertThrows(SecretDecryptionException.class, () -> onlyB.decrypt(old, "ctx"));
    // relabelling a ciphertext with another key id does not help (the id is authenticated)
    SecretCipher both = cipher(Map.of("a", K1, "b", K2), "b");
    String relabelled = "v1:a:" + fresh.substring("v1:b:".length());
    assertThrows(SecretDecryptionException.class, () -> both.decrypt(relabelled, "ctx"));
  }

  @Test
  void misconfigurationFailsClearly() {
    assertThrows(IllegalStateException.class, () -> cipher(Map.of("a", "c2hvcnQ="), "a"));
    assertThrows(IllegalStateException.class, () -> cipher(Map.of("a", K1), "missing"));
    assertThrows(IllegalStateException.class, () -> cipher(Map.of("a", K1), null));
    SecretCipher none = cipher(Map.of(), null);
    assertFalse(none.isConfigured());
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> none.encrypt(SECRET, "ctx"));
    assertTrue(e.getMessage().contains("mailplane.crypto.active-key"));
  }
}
