package io.mailplane.tls;

import io.mailplane.api.Timestamps;
import io.mailplane.push.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Certificate;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.challenge.Dns01Challenge;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeNetworkException;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.exception.AcmeServerException;

/**
 * Advances ACME orders one step per transaction. The order row is locked (FOR UPDATE SKIP LOCKED)
 * for its step, so across replicas each step runs once; everything a later step needs (order URL,
 * certificate key, challenge tokens) is committed before the CA is asked to act on it, so a restart
 * anywhere resumes the order where it stopped. When the certificate renews next is decided by
 * {@link RenewalPlanner}.
 */
@ApplicationScoped
public class OrderWorker {
  private static final Logger LOG = Logger.getLogger(OrderWorker.class);
  private static final String ORDER_KEY = "acme-order";
  private static final Duration MIN_POLL = Duration.ofMillis(200);
  private static final Duration MAX_POLL = Duration.ofSeconds(10);

  @Inject AcmeConfig config;
  @Inject AcmeAccounts accounts;
  @Inject KeyPairs keyPairs;
  @Inject Rfc2136 dns;
  @Inject TlsVolume volume;
  @Inject Outbox outbox;
  @Inject OrderLedger ledger;
  @Inject CertificateMetrics metrics;
  @Inject RenewalPlanner renewals;

  /**
   * Takes one step of one due order; false when no order is due (or all are being worked on). Locks
   * the certificate row before the order row, the order every writer of both follows, so the job
   * and an API call on the same certificate wait for each other instead of deadlocking.
   */
  @Transactional
  public boolean stepOne() {
    var em = AcmeOrder.getEntityManager();
    @SuppressWarnings("unchecked")
    List<Object[]> due =
        em.createNativeQuery(
                "SELECT id, certificate_id FROM acme_order WHERE status IN ('new', 'publishing',"
                    + " 'awaiting-dns', 'validating', 'finalizing') AND next_attempt_at <= ?1"
                    + " ORDER BY next_attempt_at LIMIT 20")
            .setParameter(1, Timestamps.now())
            .getResultList();
    for (Object[] row : due) {
      long orderId = ((Number) row[0]).longValue();
      long certificateId = ((Number) row[1]).longValue();
      List<?> locked =
          em.createNativeQuery("SELECT id FROM certificate WHERE id = ?1 FOR UPDATE SKIP LOCKED")
              .setParameter(1, certificateId)
              .getResultList();
      if (locked.isEmpty()) {
        continue; // another replica (or an API call) holds it
      }
      ManagedCertificate certificate = ManagedCertificate.findById(certificateId);
      AcmeOrder order = AcmeOrder.findById(orderId);
      em.refresh(certificate);
      em.refresh(order, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
      if (!order.active() || order.nextAttemptAt.isAfter(Timestamps.now())) {
        continue; // stepped by another replica since the query
      }
      if (certificate.currentOrderId == null
          || certificate.currentOrderId.longValue() != order.id) {
        order.status = AcmeOrder.FAILED;
        order.finishedAt = Timestamps.now();
        ledger.step(order, "abandoned", "no longer the certificate's current order");
        return true;
      }
      step(order, certificate);
      return true;
    }
    return false;
  }

  /** When the next step of any active order is due. */
  @Transactional
  public Optional<Instant> nextDue() {
    return Optional.ofNullable(
        AcmeOrder.getEntityManager()
            .createQuery(
                "select min(o.nextAttemptAt) from AcmeOrder o where o.status in :active",
                Instant.class)
            .setParameter("active", AcmeOrder.ACTIVE)
            .getSingleResult());
  }

  private void step(AcmeOrder order, ManagedCertificate certificate) {
    if (Timestamps.now().isAfter(order.createdAt.plus(config.orderTimeout()))) {
      fail(
          order,
          certificate,
          ledger.problemJson(
              "acme-order-timeout", "the order did not complete within " + config.orderTimeout()));
      return;
    }
    try {
      switch (order.status) {
        case AcmeOrder.NEW -> begin(order, certificate);
        case AcmeOrder.PUBLISHING -> trigger(order);
        case AcmeOrder.AWAITING_DNS -> awaitDns(order, certificate);
        case AcmeOrder.VALIDATING -> validate(order, certificate);
        case AcmeOrder.FINALIZING -> complete(order, certificate);
        default -> throw new IllegalStateException("order in final state " + order.status);
      }
    } catch (AcmeRateLimitedException e) {
      Instant retry = e.getRetryAfter().orElse(Timestamps.now().plus(backoff(order.attempts)));
      ledger.step(
          order,
          "rate-limited",
          e.getProblem().getDetail().orElse(e.getMessage()) + "; retry at " + retry);
      again(order, retry);
    } catch (AcmeServerException e) {
      if (AcmeAccounts.isUnknownAccount(e) && order.accountId != null) {
        accounts.forget(order.accountId);
      }
      fail(order, certificate, e.getProblem().asJSON().toString());
    } catch (AcmeNetworkException e) {
      if (order.orderUrl == null) {
        // Nothing exists at the CA yet: the order fails, the renewal job retries with backoff.
        fail(
            order,
            certificate,
            ledger.problemJson(
                "acme-unreachable",
                "cannot reach the ACME server "
                    + certificate.directoryUrl
                    + ": "
                    + e.getMessage()));
      } else {
        ledger.step(order, "network-error", e.getMessage());
        order.attempts++;
        again(order, Timestamps.now().plus(backoff(order.attempts)));
      }
    } catch (AcmeException | IOException | RuntimeException e) {
      LOG.warnf(e, "ACME order %d of %s failed", order.id, certificate.name);
      fail(order, certificate, ledger.problemJson("acme-error", String.valueOf(e.getMessage())));
    }
  }

  private void begin(AcmeOrder order, ManagedCertificate certificate)
      throws AcmeException, IOException {
    AcmeAccounts.AccountLogin account = accounts.login(certificate);
    Order acmeOrder;
    try {
      acmeOrder = account.login().newOrder().domains(order.domainList()).create();
    } catch (AcmeServerException e) {
      if (!AcmeAccounts.isUnknownAccount(e)) {
        throw e;
      }
      ledger.step(order, "account-unknown", e.getProblem().getDetail().orElse(e.getMessage()));
      accounts.forget(account.accountId());
      account = accounts.login(certificate);
      ledger.step(order, "account-registered", account.login().getAccountLocation().toString());
      acmeOrder = account.login().newOrder().domains(order.domainList()).create();
    }
    order.accountId = account.accountId();
    order.orderUrl = acmeOrder.getLocation().toString();
    // Stored with the order, so a resumed order finalizes with the same key.
    order.keyPairEnc = keyPairs.seal(orderKey(order, certificate), ORDER_KEY);
    ledger.step(order, "ordered", order.orderUrl);
    boolean dnsChallenges = false;
    for (Authorization authorization : acmeOrder.getAuthorizations()) {
      if (authorization.getStatus() == Status.VALID) {
        continue;
      }
      String domain = authorization.getIdentifier().getDomain();
      AcmeChallenge row = new AcmeChallenge();
      row.orderId = order.id;
      row.type = order.challenge;
      row.domain = (authorization.isWildcard() ? "*." : "") + domain;
      row.createdAt = Timestamps.now();
      if (CertificateService.HTTP_01.equals(order.challenge)) {
        Http01Challenge challenge =
            authorization
                .findChallenge(Http01Challenge.class)
                .orElseThrow(
                    () -> new AcmeException("the CA offers no http-01 challenge for " + domain));
        row.challengeUrl = challenge.getLocation().toString();
        row.token = challenge.getToken();
        row.keyAuthorization = challenge.getAuthorization();
      } else {
        Dns01Challenge challenge =
            authorization
                .findChallenge(Dns01Challenge.class)
                .orElseThrow(
                    () -> new AcmeException("the CA offers no dns-01 challenge for " + domain));
        row.challengeUrl = challenge.getLocation().toString();
        row.dnsName = challenge.getRRName(authorization.getIdentifier());
        row.dnsValue = challenge.getDigest();
        dns.add(row.dnsName, row.dnsValue);
        dnsChallenges = true;
      }
      row.persist();
      ledger.step(order, "challenge-published", row.type + " for " + row.domain);
    }
    // Tokens are committed with this step, so any replica answers the CA once it is triggered.
    order.status = dnsChallenges ? AcmeOrder.AWAITING_DNS : AcmeOrder.PUBLISHING;
    again(order, Timestamps.now());
  }

  /**
   * Renewals keep the installed key unless told to rotate it: then a reader that opens tls.crt and
   * tls.key separately (the seed's daemons do) while the files are swapped still gets a matching
   * pair, whichever versions it sees. A first order, a key type change or a forced rotation makes a
   * new key.
   */
  private KeyPair orderKey(AcmeOrder order, ManagedCertificate certificate) throws IOException {
    boolean reuse = !"initial".equals(order.reason) && !order.rotateKey();
    if (reuse) {
      Optional<TlsPair> installed = volume.read(certificate.name);
      if (installed.isPresent()
          && installed.get().matches()
          && KeyPairs.typeOf(installed.get().leaf().getPublicKey()).equals(order.keyType)) {
        ledger.step(order, "key-reused", null);
        return new KeyPair(installed.get().leaf().getPublicKey(), installed.get().key());
      }
    }
    ledger.step(order, "key-generated", order.keyType);
    return KeyPairs.generate(order.keyType);
  }

  private void awaitDns(AcmeOrder order, ManagedCertificate certificate)
      throws IOException, AcmeException {
    for (AcmeChallenge challenge : AcmeChallenge.ofOrder(order.id)) {
      if (!dns.visible(challenge.dnsName, challenge.dnsValue)) {
        if (Timestamps.now().isAfter(challenge.createdAt.plus(config.dns().propagationTimeout()))) {
          fail(
              order,
              certificate,
              ledger.problemJson(
                  "dns-not-visible",
                  challenge.dnsName
                      + " TXT did not become visible within "
                      + config.dns().propagationTimeout()));
          return;
        }
        order.attempts++;
        order.nextAttemptAt = Timestamps.now().plus(Duration.ofSeconds(1));
        return;
      }
    }
    ledger.step(order, "dns-visible", null);
    trigger(order);
  }

  private void trigger(AcmeOrder order) throws AcmeException {
    Login login = accounts.login(order.accountId);
    for (AcmeChallenge row : AcmeChallenge.ofOrder(order.id)) {
      Challenge challenge = login.bindChallenge(AcmeAccounts.url(row.challengeUrl));
      if (challenge.getStatus() == Status.PENDING) {
        challenge.trigger();
      }
    }
    ledger.step(order, "challenges-triggered", null);
    order.status = AcmeOrder.VALIDATING;
    again(order, Timestamps.now().plus(MIN_POLL));
  }

  private void validate(AcmeOrder order, ManagedCertificate certificate)
      throws AcmeException, IOException {
    Login login = accounts.login(order.accountId);
    Order acmeOrder = login.bindOrder(AcmeAccounts.url(order.orderUrl));
    Optional<Instant> retryAfter = acmeOrder.fetch();
    Status status = acmeOrder.getStatus();
    if (status == Status.READY) {
      ledger.step(order, "validated", null);
      acmeOrder.execute(keyPairs.open(order.keyPairEnc, ORDER_KEY));
      ledger.step(order, "finalize-requested", null);
      order.status = AcmeOrder.FINALIZING;
      again(order, Timestamps.now().plus(MIN_POLL));
    } else if (status == Status.INVALID) {
      fail(order, certificate, failedChallengeProblem(acmeOrder));
    } else if (status == Status.VALID) {
      order.status = AcmeOrder.FINALIZING;
      complete(order, certificate);
    } else {
      order.attempts++;
      again(order, retryAfter.orElse(Timestamps.now().plus(poll(order.attempts))));
    }
  }

  private String failedChallengeProblem(Order acmeOrder) throws AcmeException {
    for (Authorization authorization : acmeOrder.getAuthorizations()) {
      if (authorization.getStatus() == Status.INVALID) {
        for (Challenge challenge : authorization.getChallenges()) {
          Optional<Problem> error = challenge.getError();
          if (error.isPresent()) {
            return error.get().asJSON().toString();
          }
        }
      }
    }
    return acmeOrder
        .getError()
        .map(p -> p.asJSON().toString())
        .orElse(ledger.problemJson("acme-order-invalid", "the CA marked the order invalid"));
  }

  private void complete(AcmeOrder order, ManagedCertificate certificate)
      throws AcmeException, IOException {
    Login login = accounts.login(order.accountId);
    Order acmeOrder = login.bindOrder(AcmeAccounts.url(order.orderUrl));
    Optional<Instant> retryAfter = acmeOrder.fetch();
    if (acmeOrder.getStatus() == Status.INVALID) {
      fail(order, certificate, failedChallengeProblem(acmeOrder));
      return;
    }
    if (acmeOrder.getStatus() != Status.VALID) {
      order.attempts++;
      again(order, retryAfter.orElse(Timestamps.now().plus(poll(order.attempts))));
      return;
    }
    Certificate issued = acmeOrder.getCertificate();
    KeyPair keyPair = keyPairs.open(order.keyPairEnc, ORDER_KEY);
    TlsPair pair = new TlsPair(keyPair.getPrivate(), issued.getCertificateChain());
    if (!pair.matches()) {
      fail(
          order,
          certificate,
          ledger.problemJson(
              "acme-key-mismatch", "the issued certificate does not match the order's key"));
      return;
    }
    volume.write(certificate.name, pair);
    if (certificate.primary) {
      volume.writePrimary(pair);
    }
    ledger.step(
        order,
        "installed",
        certificate.primary
            ? "as " + certificate.name + " and tls.crt/tls.key"
            : "as " + certificate.name);
    X509Certificate leaf = pair.leaf();
    certificate.notBefore = leaf.getNotBefore().toInstant();
    certificate.notAfter = leaf.getNotAfter().toInstant();
    certificate.serial = leaf.getSerialNumber().toString(16);
    certificate.fingerprintSha256 = fingerprint(leaf);
    certificate.issuerDn = leaf.getIssuerX500Principal().getName();
    certificate.certificateUrl = issued.getLocation().toString();
    certificate.status = "valid";
    certificate.failures = 0;
    certificate.lastError = null;
    certificate.currentOrderId = null;
    renewals.afterIssue(certificate, issued);
    certificate.updatedAt = Timestamps.now();
    order.status = AcmeOrder.VALID;
    order.finishedAt = Timestamps.now();
    order.keyPairEnc = null;
    cleanUp(order);
    outbox.record(Outbox.TLS, certificate.name);
    metrics.orderFinished(true);
    metrics.refresh(certificate.name, certificate.notAfter);
    LOG.infof(
        "certificate %s issued: serial %s, valid until %s",
        certificate.name, certificate.serial, certificate.notAfter);
  }

  private void fail(AcmeOrder order, ManagedCertificate certificate, String problem) {
    order.status = AcmeOrder.FAILED;
    order.error = problem;
    order.finishedAt = Timestamps.now();
    order.keyPairEnc = null;
    ledger.step(order, "failed", null);
    cleanUp(order);
    certificate.status = "failed";
    certificate.lastError = problem;
    certificate.failures++;
    certificate.currentOrderId = null;
    renewals.afterFailure(certificate);
    certificate.updatedAt = Timestamps.now();
    metrics.orderFinished(false);
    LOG.warnf("certificate %s: order %d failed: %s", certificate.name, order.id, problem);
  }

  /** Tokens stop being served, DNS records are removed (best effort: they expire harmlessly). */
  private void cleanUp(AcmeOrder order) {
    for (AcmeChallenge challenge : AcmeChallenge.ofOrder(order.id)) {
      if (challenge.dnsName != null) {
        try {
          dns.remove(challenge.dnsName, challenge.dnsValue);
        } catch (IOException | RuntimeException e) {
          LOG.infof("removing %s TXT: %s", challenge.dnsName, e.getMessage());
        }
      }
      challenge.delete();
    }
  }

  private static void again(AcmeOrder order, Instant at) {
    order.nextAttemptAt = at;
    order.updatedAt = Timestamps.now();
  }

  private static Duration poll(int attempts) {
    Duration wait = MIN_POLL.multipliedBy(1L << Math.min(attempts, 10));
    return wait.compareTo(MAX_POLL) > 0 ? MAX_POLL : wait;
  }

  private static Duration backoff(int attempts) {
    return Duration.ofSeconds(Math.min(300, 1L << Math.min(attempts + 1, 8)));
  }

  private static String fingerprint(X509Certificate certificate) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }
}
