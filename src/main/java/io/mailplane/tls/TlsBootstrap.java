package io.mailplane.tls;

import io.mailplane.push.Outbox;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.jboss.logging.Logger;

/**
 * Makes the mta and mda start with TLS before any ACME certificate exists: a self-signed
 * certificate for the mail hostname when the volume has no usable pair. A usable pair is never
 * replaced, whoever wrote it.
 */
@ApplicationScoped
public class TlsBootstrap {
  private static final Logger LOG = Logger.getLogger(TlsBootstrap.class);

  /** Long enough not to expire between restarts; a restart after expiry writes a new one. */
  static final Duration VALIDITY = Duration.ofDays(365);

  @Inject TlsConfig config;
  @Inject TlsVolume volume;
  @Inject Outbox outbox;

  void onStart(@Observes StartupEvent event) throws IOException {
    if (config.bootstrap()) {
      ensure();
    }
  }

  /** Writes a self-signed primary pair unless a usable one exists; true when it wrote one. */
  public boolean ensure() throws IOException {
    Optional<String> unusable = unusableReason();
    if (unusable.isEmpty()) {
      return false;
    }
    LOG.infof(
        "TLS volume %s: %s; writing a self-signed certificate for %s",
        volume.directory(), unusable.get(), config.mailHostname());
    volume.writePrimary(selfSigned(config.mailHostname(), VALIDITY));
    // Only after the files are in place, so the reload it triggers reads the new pair.
    QuarkusTransaction.requiringNew().run(() -> outbox.record(Outbox.TLS, "primary"));
    return true;
  }

  /** Why the primary pair cannot be served, or empty when it can. */
  Optional<String> unusableReason() {
    Optional<TlsPair> pair;
    try {
      pair = volume.readPrimary();
    } catch (IOException | UncheckedIOException e) {
      return Optional.of("tls.crt/tls.key unreadable (" + e.getMessage() + ")");
    }
    if (pair.isEmpty()) {
      return Optional.of("no tls.crt/tls.key");
    }
    try {
      pair.get().leaf().checkValidity();
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      return Optional.of("tls.crt not valid now (" + e.getMessage() + ")");
    }
    if (!pair.get().matches()) {
      return Optional.of("tls.key does not belong to tls.crt");
    }
    return Optional.empty();
  }

  /** An EC P-256 key (fast to make, accepted by Postfix and Dovecot) and its certificate. */
  static TlsPair selfSigned(String hostname, Duration validity) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair keys = generator.generateKeyPair();
      X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, hostname).build();
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              subject,
              new BigInteger(127, new SecureRandom()),
              // Back-dated a little, so a peer whose clock is slightly behind accepts it.
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(validity)),
              subject,
              keys.getPublic());
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(new GeneralName(GeneralName.dNSName, hostname)));
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      X509Certificate certificate =
          new JcaX509CertificateConverter()
              .getCertificate(
                  builder.build(
                      new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
      return new TlsPair(keys.getPrivate(), List.of(certificate));
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot make a self-signed certificate", e);
    }
  }
}
