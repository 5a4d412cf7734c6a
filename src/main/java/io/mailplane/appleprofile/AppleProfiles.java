package io.mailplane.appleprofile;

import io.mailplane.api.ApiException;
import io.mailplane.api.ProblemKind;
import io.mailplane.autoconfig.ClientSettings;
import io.mailplane.autoconfig.MailServer;
import io.mailplane.common.MailAddress;
import io.mailplane.mailboxes.MailboxDto;
import io.mailplane.mailboxes.MailboxService;
import io.mailplane.tls.TlsPair;
import io.mailplane.tls.TlsVolume;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.UUID;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Apple configuration profiles (.mobileconfig) for one mailbox, signed (CMS SignedData, content
 * attached) with the certificate and key the mail host presents, so iOS and macOS show the profile
 * as verified by the same name the user's mail app will connect to.
 */
@ApplicationScoped
public class AppleProfiles {
  public static final String MEDIA_TYPE = "application/x-apple-aspen-config";

  @Inject MailboxService mailboxes;
  @Inject ClientSettings settings;
  @Inject TlsVolume volume;

  /** A signed profile and the file name it should be saved under. */
  public record SignedProfile(String fileName, byte[] der) {}

  /** The mailbox's profile, if the caller may read the mailbox (404 otherwise). */
  public SignedProfile profile(String address) {
    MailboxDto mailbox = mailboxes.get(address);
    String domain = MailAddress.domainOf(mailbox.address());
    String host = settings.mailHost(domain);
    MailServer incoming =
        settings
            .preferred(true)
            .filter(s -> s.protocol().equals("imap"))
            .or(() -> settings.preferred(true))
            .orElseThrow(() -> new IllegalStateException("no incoming mail server configured"));
    MailServer outgoing =
        settings
            .preferred(false)
            .orElseThrow(() -> new IllegalStateException("no submission port configured"));
    byte[] plist =
        PropertyList.mailAccount(mailbox.address(), mailbox.displayName(), host, incoming, outgoing)
            .getBytes(StandardCharsets.UTF_8);
    String fileName = mailbox.address().replace("@", "_at_") + ".mobileconfig";
    return new SignedProfile(fileName, sign(plist, signer()));
  }

  private TlsPair signer() {
    TlsPair pair;
    try {
      pair =
          volume
              .readPrimary()
              .orElseThrow(
                  () ->
                      noCertificate(
                          "the TLS volume has no certificate for the mail host; issue one"
                              + " (PUT /api/v1/certificates/{name} with primary: true)"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    X509Certificate leaf = pair.leaf();
    if (pair.chain().size() == 1
        && leaf.getSubjectX500Principal().equals(leaf.getIssuerX500Principal())) {
      // The bootstrap certificate: a profile signed with it shows as unverified, which teaches
      // users
      // to accept exactly what a forged profile looks like.
      throw noCertificate(
          "the mail host serves only a self-signed certificate; issue one from a CA"
              + " (PUT /api/v1/certificates/{name} with primary: true)");
    }
    try {
      leaf.checkValidity();
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      throw noCertificate("the mail host's certificate is not valid now; renew it");
    }
    if (!pair.matches()) {
      throw noCertificate("the mail host's key does not belong to its certificate");
    }
    return pair;
  }

  private static ApiException noCertificate(String detail) {
    return new ApiException(ProblemKind.NO_SIGNING_CERTIFICATE, detail);
  }

  /** CMS SignedData over the plist, content attached, with the whole chain for the verifier. */
  static byte[] sign(byte[] content, TlsPair pair) {
    String algorithm =
        pair.key().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    try {
      CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
      generator.addSignerInfoGenerator(
          new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
              .build(new JcaContentSignerBuilder(algorithm).build(pair.key()), pair.leaf()));
      generator.addCertificates(new JcaCertStore(pair.chain()));
      return generator.generate(new CMSProcessableByteArray(content), true).getEncoded();
    } catch (OperatorCreationException
        | CMSException
        | IOException
        | java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException("signing the profile", e);
    }
  }

  /** Stable per mailbox and host: installing a newer profile replaces the older one. */
  static String uuid(String... parts) {
    return UUID.nameUUIDFromBytes(String.join("\n", parts).getBytes(StandardCharsets.UTF_8))
        .toString()
        .toUpperCase(java.util.Locale.ROOT);
  }
}
