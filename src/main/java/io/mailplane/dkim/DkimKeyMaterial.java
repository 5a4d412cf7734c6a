package io.mailplane.dkim;

import io.mailplane.api.ApiException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * A DKIM key pair as mailplane keeps it: the private key as canonical PKCS#8 DER (what gets
 * encrypted at rest) and the public key as the DNS {@code p=} value (RFC 6376: base64 of the RSA
 * SubjectPublicKeyInfo; RFC 8463: base64 of the raw 32-byte Ed25519 key).
 */
record DkimKeyMaterial(String algorithm, int bits, byte[] pkcs8, String publicKey) {
  static final String RSA = "rsa";
  static final String ED25519 = "ed25519";
  static final int MIN_RSA_BITS = 1024;
  static final int MAX_RSA_BITS = 4096;

  /** Far above a 4096-bit RSA PEM (~3.3 kB) but small enough that parsing is cheap. */
  static final int MAX_PEM_CHARS = 8192;

  private static final String FIELD = "privateKey";

  static DkimKeyMaterial generate(String algorithm, int bits) {
    try {
      if (ED25519.equals(algorithm)) {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        return fromEd25519Seed(seedOf(PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded())));
      }
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(new RSAKeyGenParameterSpec(bits, RSAKeyGenParameterSpec.F4));
      KeyPair pair = generator.generateKeyPair();
      return new DkimKeyMaterial(
          RSA,
          bits,
          pair.getPrivate().getEncoded(),
          Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()));
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot generate a " + algorithm + " key", e);
    }
  }

  /**
   * Parses an imported PEM private key (PKCS#8 "PRIVATE KEY" or PKCS#1 "RSA PRIVATE KEY"). Every
   * failure is a 400 on field privateKey whose message never echoes the input.
   */
  static DkimKeyMaterial importPem(String pem, String expectedAlgorithm) {
    if (pem.length() > MAX_PEM_CHARS) {
      throw ApiException.invalid(FIELD, "is longer than " + MAX_PEM_CHARS + " characters");
    }
    Object parsed;
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      parsed = parser.readObject();
    } catch (IOException | RuntimeException e) {
      throw ApiException.invalid(FIELD, "is not a readable PEM private key");
    }
    PrivateKeyInfo info;
    if (parsed instanceof PEMKeyPair pair) {
      info = pair.getPrivateKeyInfo();
    } else if (parsed instanceof PrivateKeyInfo pki) {
      info = pki;
    } else if (parsed instanceof SubjectPublicKeyInfo) {
      throw ApiException.invalid(FIELD, "is a public key; the private key is needed");
    } else if (parsed == null) {
      throw ApiException.invalid(FIELD, "is not a PEM private key (no PEM block found)");
    } else {
      throw ApiException.invalid(
          FIELD, "must be an unencrypted RSA or Ed25519 private key in PEM form");
    }
    DkimKeyMaterial material;
    try {
      var oid = info.getPrivateKeyAlgorithm().getAlgorithm();
      if (EdECObjectIdentifiers.id_Ed25519.equals(oid)) {
        material = fromEd25519Seed(seedOf(info));
      } else if (PKCSObjectIdentifiers.rsaEncryption.equals(oid)) {
        material = fromRsa(info);
      } else {
        throw ApiException.invalid(FIELD, "must be an RSA or Ed25519 key");
      }
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw ApiException.invalid(FIELD, "is not a valid RSA or Ed25519 private key");
    }
    if (expectedAlgorithm != null && !expectedAlgorithm.equals(material.algorithm)) {
      throw ApiException.invalid(
          FIELD, "is a " + material.algorithm + " key but algorithm is " + expectedAlgorithm);
    }
    return material;
  }

  /**
   * The value Rspamd's dkim_signing module reads from Redis (HGET dkim_keys selector.domain). RSA:
   * PEM; Rspamd hands it to OpenSSL's PEM_read_bio_PrivateKey. Ed25519: base64 of the 64-byte
   * libsodium secret key (seed || public key), the form `rspamadm dkim_keygen -t ed25519` prints;
   * Rspamd 3.4 detects base64, decodes it and takes a 64- (or 32-) byte raw key as Ed25519, while
   * an Ed25519 PEM would fail there (its PEM path only extracts RSA keys).
   */
  static String rspamdValue(String algorithm, byte[] pkcs8) {
    try {
      if (ED25519.equals(algorithm)) {
        byte[] seed = seedOf(PrivateKeyInfo.getInstance(pkcs8));
        byte[] pub = new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
        byte[] full = new byte[64];
        System.arraycopy(seed, 0, full, 0, 32);
        System.arraycopy(pub, 0, full, 32, 32);
        try {
          return Base64.getEncoder().encodeToString(full);
        } finally {
          Arrays.fill(full, (byte) 0);
          Arrays.fill(seed, (byte) 0);
        }
      }
      StringWriter out = new StringWriter();
      try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
        writer.writeObject(new PemObject("PRIVATE KEY", pkcs8));
      }
      return out.toString();
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a stored DKIM key", e);
    }
  }

  private static DkimKeyMaterial fromRsa(PrivateKeyInfo info)
      throws IOException, GeneralSecurityException {
    KeyFactory factory = KeyFactory.getInstance("RSA");
    var key = factory.generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
    if (!(key instanceof RSAPrivateCrtKey crt)) {
      throw new IllegalArgumentException("RSA key without CRT parameters");
    }
    int bits = crt.getModulus().bitLength();
    if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
      throw ApiException.invalid(
          FIELD,
          "is a "
              + bits
              + "-bit RSA key; keys of "
              + MIN_RSA_BITS
              + " to "
              + MAX_RSA_BITS
              + " bits are accepted");
    }
    var pub =
        factory.generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
    return new DkimKeyMaterial(
        RSA, bits, key.getEncoded(), Base64.getEncoder().encodeToString(pub.getEncoded()));
  }

  private static DkimKeyMaterial fromEd25519Seed(byte[] seed) throws IOException {
    if (seed.length != 32) {
      throw new IllegalArgumentException("Ed25519 seed must be 32 bytes");
    }
    byte[] pub = new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
    // Canonical PKCS#8 v1 (no embedded public key), whatever form was imported.
    byte[] pkcs8 =
        new PrivateKeyInfo(
                new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519), new DEROctetString(seed))
            .getEncoded();
    return new DkimKeyMaterial(ED25519, 256, pkcs8, Base64.getEncoder().encodeToString(pub));
  }

  private static byte[] seedOf(PrivateKeyInfo info) throws IOException {
    return ASN1OctetString.getInstance(info.parsePrivateKey()).getOctets();
  }
}
