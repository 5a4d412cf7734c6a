package io.mailplane.tls;

import io.mailplane.crypto.SecretCipher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import org.shredzone.acme4j.util.KeyPairUtils;

/** Key pairs of accounts and certificates: generated here, stored only encrypted. */
@ApplicationScoped
public class KeyPairs {
  public static final String RSA_2048 = "rsa2048";
  public static final String EC_P256 = "ec-p256";

  @Inject SecretCipher cipher;

  public static KeyPair generate(String keyType) {
    return switch (keyType) {
      case RSA_2048 -> KeyPairUtils.createKeyPair(2048);
      case EC_P256 -> KeyPairUtils.createECKeyPair("secp256r1");
      default -> throw new IllegalArgumentException("unknown key type " + keyType);
    };
  }

  /** The key type name of a public key, or "other". */
  public static String typeOf(java.security.PublicKey key) {
    if (key instanceof java.security.interfaces.RSAPublicKey rsa
        && rsa.getModulus().bitLength() == 2048) {
      return RSA_2048;
    }
    if (key instanceof java.security.interfaces.ECPublicKey ec
        && ec.getParams().getCurve().getField().getFieldSize() == 256) {
      return EC_P256;
    }
    return "other";
  }

  public String seal(KeyPair keyPair, String context) {
    StringWriter pem = new StringWriter();
    try {
      KeyPairUtils.writeKeyPair(keyPair, pem);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return cipher.encrypt(pem.toString().getBytes(StandardCharsets.US_ASCII), context);
  }

  public KeyPair open(String sealed, String context) {
    String pem = new String(cipher.decrypt(sealed, context), StandardCharsets.US_ASCII);
    try {
      return KeyPairUtils.readKeyPair(new StringReader(pem));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
