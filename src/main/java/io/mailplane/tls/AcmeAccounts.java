package io.mailplane.tls;

import io.mailplane.crypto.SecretCipher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Instant;
import org.apache.commons.codec.digest.DigestUtils;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeServerException;

/**
 * One ACME account per issuer identity (directory, contact, EAB key id), registered on first use
 * and logged into afterwards with its stored key and URL, as RFC 8555 intends: a new account per
 * order would hit the CA's account rate limits and scatter the certificates.
 */
@ApplicationScoped
public class AcmeAccounts {
  private static final String CONTEXT = "acme-account";
  private static final URI ACCOUNT_DOES_NOT_EXIST =
      URI.create("urn:ietf:params:acme:error:accountDoesNotExist");
  static final String EAB_CONTEXT = "acme-eab";

  @Inject AcmeClient client;
  @Inject KeyPairs keyPairs;
  @Inject SecretCipher cipher;

  /** A login and the row of its account (an order remembers the id for its later steps). */
  public record AccountLogin(long accountId, Login login) {}

  /** Logs into the certificate's issuer account, registering it first when it is new. */
  public AccountLogin login(ManagedCertificate certificate) throws AcmeException {
    String identity =
        DigestUtils.sha256Hex(
            (certificate.directoryUrl
                    + "\n"
                    + nullToEmpty(certificate.contactEmail)
                    + "\n"
                    + nullToEmpty(certificate.eabKid))
                .getBytes(StandardCharsets.UTF_8));
    AcmeAccount account = AcmeAccount.find("identityHash", identity).firstResult();
    Session session = client.session(certificate.directoryUrl);
    if (account != null && account.accountUrl != null) {
      return new AccountLogin(
          account.id,
          session.login(url(account.accountUrl), keyPairs.open(account.keyPairEnc, CONTEXT)));
    }
    KeyPair keyPair = KeyPairs.generate(KeyPairs.EC_P256);
    AccountBuilder builder = new AccountBuilder().useKeyPair(keyPair);
    if (certificate.contactEmail != null) {
      builder.addEmail(certificate.contactEmail);
    }
    if (certificate.termsAgreed) {
      builder.agreeToTermsOfService();
    }
    if (certificate.eabKid != null) {
      builder.withKeyIdentifier(
          certificate.eabKid,
          new String(
              cipher.decrypt(certificate.eabHmacEnc, EAB_CONTEXT), StandardCharsets.US_ASCII));
    }
    Login login = builder.createLogin(session);
    if (account == null) {
      account = new AcmeAccount();
      account.identityHash = identity;
      account.directoryUrl = certificate.directoryUrl;
      account.contactEmail = certificate.contactEmail;
      account.eabKid = certificate.eabKid;
      account.createdAt = Instant.now();
    }
    account.keyPairEnc = keyPairs.seal(keyPair, CONTEXT);
    account.accountUrl = login.getAccountLocation().toString();
    account.updatedAt = Instant.now();
    account.persist();
    return new AccountLogin(account.id, login);
  }

  /**
   * The CA no longer knows the account: a CA whose database was reset (a test CA restarted, a
   * private CA rebuilt) or an account removed by its operator. Orders of that account are gone with
   * it; the certificate itself is not, so the next order registers a new account.
   */
  static boolean isUnknownAccount(AcmeServerException e) {
    return ACCOUNT_DOES_NOT_EXIST.equals(e.getType());
  }

  /**
   * Drops the stored account URL when it is still the one this transaction logged in with (and the
   * CA did not know), so the next login registers a new account for the identity. Re-read under the
   * row lock: when another replica has registered the new account meanwhile, its URL stays.
   */
  public void forget(long accountId) {
    AcmeAccount account = AcmeAccount.findById(accountId);
    if (account == null) {
      return;
    }
    String unknownUrl = account.accountUrl;
    AcmeAccount.getEntityManager().refresh(account, LockModeType.PESSIMISTIC_WRITE);
    if (account.accountUrl != null && account.accountUrl.equals(unknownUrl)) {
      account.accountUrl = null;
      account.updatedAt = Instant.now();
    }
  }

  /** The login of an order's account, for the steps after the first. */
  public Login login(long accountId) throws AcmeException {
    AcmeAccount account = AcmeAccount.findById(accountId);
    if (account.accountUrl == null) {
      throw new AcmeException(
          "the CA no longer knows this order's account; the next order registers a new one");
    }
    return client
        .session(account.directoryUrl)
        .login(url(account.accountUrl), keyPairs.open(account.keyPairEnc, CONTEXT));
  }

  static java.net.URL url(String url) {
    try {
      return URI.create(url).toURL();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static String nullToEmpty(String value) {
    return value == null ? "" : value;
  }
}
