package io.mailplane.crypto;

import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM for secrets at rest. A ciphertext is the text {@code v1:<keyId>:<base64(iv ||
 * ciphertext || tag)>}: the key id says which configured key opens it, so keys can rotate without a
 * migration. The caller's context (e.g. "dkim:example.com:dkim") is authenticated as associated
 * data, so a ciphertext copied into another row does not decrypt there.
 *
 * <p>Configuration is validated at startup when keys are set (a malformed key stops the
 * application); with no keys configured the application starts, and the first encrypt or decrypt
 * fails with a message naming the missing setting. Features that already hold secrets check {@link
 * #isConfigured()} at startup (see dkim.DkimStartupCheck).
 */
@ApplicationScoped
@Startup
public class SecretCipher {
  private static final String VERSION = "v1";
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");

  @Inject CryptoConfig config;

  private final SecureRandom random = new SecureRandom();
  private Map<String, SecretKey> keys = Map.of();
  private String activeKeyId;

  @PostConstruct
  void load() {
    Map<String, SecretKey> loaded = new HashMap<>();
    config
        .keys()
        .forEach(
            (id, value) -> {
              if (!KEY_ID.matcher(id).matches()) {
                throw new IllegalStateException(
                    "mailplane.crypto.keys: key id '" + id + "' must match " + KEY_ID.pattern());
              }
              byte[] raw;
              try {
                raw = Base64.getDecoder().decode(value.strip());
              } catch (IllegalArgumentException e) {
                throw new IllegalStateException(
                    "mailplane.crypto.keys." + id + " is not valid base64");
              }
              if (raw.length != 32) {
                throw new IllegalStateException(
                    "mailplane.crypto.keys."
                        + id
                        + " must be 32 bytes (AES-256), got "
                        + raw.length
                        + "; create one with: openssl rand -base64 32");
              }
              loaded.put(id, new SecretKeySpec(raw, "AES"));
            });
    String active = config.activeKey().map(String::strip).orElse(null);
    if (!loaded.isEmpty() && active == null) {
      throw new IllegalStateException(
          "mailplane.crypto.active-key must name one of mailplane.crypto.keys.*");
    }
    if (active != null && !loaded.containsKey(active)) {
      throw new IllegalStateException(
          "mailplane.crypto.active-key '" + active + "' is not among mailplane.crypto.keys.*");
    }
    keys = Map.copyOf(loaded);
    activeKeyId = active;
  }

  /** Whether secrets can be stored at all (a key is configured). */
  public boolean isConfigured() {
    return activeKeyId != null;
  }

  public String activeKeyId() {
    requireConfigured();
    return activeKeyId;
  }

  public String encrypt(byte[] plaintext, String context) {
    requireConfigured();
    byte[] iv = new byte[IV_BYTES];
    random.nextBytes(iv);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, keys.get(activeKeyId), new GCMParameterSpec(TAG_BITS, iv));
      cipher.updateAAD(aad(activeKeyId, context));
      byte[] sealed = cipher.doFinal(plaintext);
      byte[] out = new byte[iv.length + sealed.length];
      System.arraycopy(iv, 0, out, 0, iv.length);
      System.arraycopy(sealed, 0, out, iv.length, sealed.length);
      return VERSION + ":" + activeKeyId + ":" + Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  /**
   * @throws SecretDecryptionException when the key is unknown or the ciphertext (or its context)
   *     was altered
   */
  public byte[] decrypt(String ciphertext, String context) {
    requireConfigured();
    String[] parts = ciphertext.split(":", 3);
    if (parts.length != 3 || !parts[0].equals(VERSION)) {
      throw new SecretDecryptionException("not a mailplane ciphertext");
    }
    SecretKey key = keys.get(parts[1]);
    if (key == null) {
      throw new SecretDecryptionException(
          "encrypted with key '"
              + parts[1]
              + "', which is not configured (mailplane.crypto.keys."
              + parts[1]
              + ")");
    }
    byte[] in;
    try {
      in = Base64.getDecoder().decode(parts[2]);
    } catch (IllegalArgumentException e) {
      throw new SecretDecryptionException("corrupt ciphertext");
    }
    if (in.length < IV_BYTES + TAG_BITS / 8) {
      throw new SecretDecryptionException("corrupt ciphertext");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
      cipher.updateAAD(aad(parts[1], context));
      return cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES);
    } catch (AEADBadTagException e) {
      throw new SecretDecryptionException("ciphertext or its context was altered");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM decryption failed", e);
    }
  }

  /** True when the ciphertext was written with a key other than the active one. */
  public boolean needsReencryption(String ciphertext) {
    String[] parts = ciphertext.split(":", 3);
    return parts.length != 3 || !parts[1].equals(activeKeyId());
  }

  /** Decrypts with whichever key wrote it and encrypts with the active key. */
  public String reencrypt(String ciphertext, String context) {
    byte[] plain = decrypt(ciphertext, context);
    try {
      return encrypt(plain, context);
    } finally {
      java.util.Arrays.fill(plain, (byte) 0);
    }
  }

  /** The key id is authenticated too, so a ciphertext cannot be relabelled to another key. */
  private static byte[] aad(String keyId, String context) {
    return (VERSION + ":" + keyId + ":" + context).getBytes(StandardCharsets.UTF_8);
  }

  private void requireConfigured() {
    if (activeKeyId == null) {
      throw new IllegalStateException(
          "no encryption key for secrets at rest: set mailplane.crypto.keys.<id> (base64 of 32"
              + " random bytes: openssl rand -base64 32) and mailplane.crypto.active-key=<id>");
    }
  }
}
