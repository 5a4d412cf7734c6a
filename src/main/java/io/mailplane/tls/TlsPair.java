package io.mailplane.tls;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;

/** A private key and its certificate chain, leaf first. */
public record TlsPair(PrivateKey key, List<X509Certificate> chain) {
  /** Thread-safe and seeded once: a generator per check would reseed on every call. */
  private static final SecureRandom RANDOM = new SecureRandom();

  public TlsPair {
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("a certificate chain needs at least the leaf");
    }
    chain = List.copyOf(chain);
  }

  public X509Certificate leaf() {
    return chain.get(0);
  }

  /**
   * Whether the key belongs to the leaf certificate. Proven by a signature the certificate's public
   * key verifies, which works the same for RSA and EC keys without comparing key internals.
   */
  public boolean matches() {
    String keyFamily = family(key.getAlgorithm());
    String algorithm =
        switch (keyFamily) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          default -> null;
        };
    if (algorithm == null || !keyFamily.equals(family(leaf().getPublicKey().getAlgorithm()))) {
      return false;
    }
    try {
      byte[] challenge = new byte[32];
      RANDOM.nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(leaf().getPublicKey());
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** Bouncy Castle names EC keys "ECDSA", the JDK "EC". */
  private static String family(String algorithm) {
    return "ECDSA".equals(algorithm) ? "EC" : algorithm;
  }
}
