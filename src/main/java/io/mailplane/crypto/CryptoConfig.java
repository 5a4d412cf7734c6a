package io.mailplane.crypto;

import io.smallrye.config.ConfigMapping;
import java.util.Map;
import java.util.Optional;

/**
 * Keys that encrypt secrets at rest (DKIM private keys; later ACME and fetchmail secrets).
 *
 * <pre>
 * mailplane.crypto.keys.2026a=&lt;base64 of 32 random bytes&gt;   (openssl rand -base64 32)
 * mailplane.crypto.active-key=2026a
 * </pre>
 *
 * Every configured key can decrypt; only the active one encrypts. Rotation: add a new key, make it
 * active, keep the old one until every secret has been rewritten (secrets are re-encrypted with the
 * active key whenever they are written).
 */
@ConfigMapping(prefix = "mailplane.crypto")
public interface CryptoConfig {
  /** Key id → base64 of a 32-byte AES-256 key. Ids: letters, digits, '-', '_' (max 32). */
  Map<String, String> keys();

  /** Id of the key new ciphertexts are written with; required as soon as keys are set. */
  Optional<String> activeKey();
}
