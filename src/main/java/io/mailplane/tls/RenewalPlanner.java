package io.mailplane.tls;

import io.mailplane.api.Timestamps;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;
import org.shredzone.acme4j.Certificate;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.RenewalInfo;
import org.shredzone.acme4j.exception.AcmeException;

/**
 * When a certificate is renewed next: from the CA's renewal information (ARI) when it offers one,
 * else by expiry; after a failed order, with a growing backoff. {@link AcmeJobs} starts the order
 * once {@code renew_at} has passed; {@link OrderWorker} asks here when an order ends.
 */
@ApplicationScoped
public class RenewalPlanner {
  private static final Logger LOG = Logger.getLogger(RenewalPlanner.class);

  @Inject AcmeConfig config;
  @Inject AcmeAccounts accounts;

  /**
   * Re-reads the ARI window of one certificate whose window is older than ari-refresh: a CA moves
   * the window forward when it must revoke early, and the renewal follows. False when none is due.
   */
  @Transactional
  public boolean refreshAriOne() {
    @SuppressWarnings("unchecked")
    List<Number> due =
        ManagedCertificate.getEntityManager()
            .createNativeQuery(
                "SELECT id FROM certificate WHERE renewal_source = 'ari' AND current_order_id IS"
                    + " NULL AND ari_checked_at <= ?1 ORDER BY ari_checked_at LIMIT 1 FOR UPDATE"
                    + " SKIP LOCKED")
            .setParameter(1, Timestamps.now().minus(config.ariRefresh()))
            .getResultList();
    if (due.isEmpty()) {
      return false;
    }
    ManagedCertificate certificate = ManagedCertificate.findById(due.get(0).longValue());
    try {
      Login login = accounts.login(certificate).login();
      afterIssue(certificate, login.bindCertificate(AcmeAccounts.url(certificate.certificateUrl)));
    } catch (AcmeException | RuntimeException e) {
      // Keep the window we have; try again after the next ari-refresh.
      certificate.ariCheckedAt = Timestamps.now();
      LOG.infof("certificate %s: ARI refresh: %s", certificate.name, e.getMessage());
    }
    return true;
  }

  /** ARI's window when the CA offers one, else a fixed time before expiry; both with jitter. */
  void afterIssue(ManagedCertificate certificate, Certificate issued) {
    certificate.ariCheckedAt = Timestamps.now();
    try {
      if (issued != null && issued.hasRenewalInfo()) {
        RenewalInfo info = issued.getRenewalInfo();
        info.fetch();
        Optional<Instant> proposal = info.getRandomProposal(null);
        certificate.renewAt = proposal.orElse(info.getSuggestedWindowStart());
        certificate.renewalSource = "ari";
        return;
      }
    } catch (AcmeException | RuntimeException e) {
      LOG.infof(
          "certificate %s: no ARI window (%s); renewing by expiry",
          certificate.name, e.getMessage());
    }
    certificate.renewAt =
        expiryRenewal(
            certificate.notBefore,
            certificate.notAfter,
            config.renewBefore(),
            config.renewJitter());
    certificate.renewalSource = "expiry";
  }

  /** A failed order is retried after failure-backoff, doubled per failure up to its maximum. */
  void afterFailure(ManagedCertificate certificate) {
    certificate.renewAt = Timestamps.now().plus(failureBackoff(certificate.failures));
    certificate.renewalSource = "retry";
  }

  Duration failureBackoff(int failures) {
    Duration wait = config.failureBackoff().multipliedBy(1L << Math.min(failures - 1, 20));
    return wait.compareTo(config.maxFailureBackoff()) > 0 ? config.maxFailureBackoff() : wait;
  }

  /**
   * renewBefore ahead of expiry, but never later than two thirds into a short lifetime (a 6-day
   * certificate renews after 4 days), minus a random jitter of up to a tenth of the lifetime.
   */
  static Instant expiryRenewal(
      Instant notBefore, Instant notAfter, Duration renewBefore, Duration jitter) {
    Duration lifetime = Duration.between(notBefore, notAfter);
    Duration ahead =
        renewBefore.compareTo(lifetime.dividedBy(3)) < 0 ? renewBefore : lifetime.dividedBy(3);
    Duration maxJitter =
        jitter.compareTo(lifetime.dividedBy(10)) < 0 ? jitter : lifetime.dividedBy(10);
    long jitterMillis =
        maxJitter.toMillis() <= 0 ? 0 : ThreadLocalRandom.current().nextLong(maxJitter.toMillis());
    return notAfter.minus(ahead).minusMillis(jitterMillis);
  }
}
