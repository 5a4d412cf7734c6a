package io.mailplane.tls;

import io.mailplane.api.Timestamps;
import io.mailplane.auth.Caller;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * The two ACME jobs. Orders: steps run on one worker thread per replica, woken when an order is
 * started and on every poll tick. Renewal: starts orders for certificates whose renewAt has come.
 * Both take row locks with SKIP LOCKED, so with several replicas each order step and each renewal
 * runs exactly once (the same scheme as the push publisher; no scheduler state to share).
 */
@ApplicationScoped
public class AcmeJobs {
  private static final Logger LOG = Logger.getLogger(AcmeJobs.class);
  private static final int MAX_STEPS_PER_RUN = 500;

  @Inject OrderWorker worker;
  @Inject RenewalPlanner renewals;
  @Inject OrderLedger ledger;
  @Inject CertificateMetrics metrics;
  @Inject Caller caller;
  @Inject AcmeConfig config;

  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread t = new Thread(task, "acme-orders");
            t.setDaemon(true);
            return t;
          });
  private final AtomicBoolean queued = new AtomicBoolean();

  void onStarted(@Observes(during = TransactionPhase.AFTER_SUCCESS) OrderLedger.Started started) {
    wake();
  }

  @Scheduled(
      identity = "acme-orders",
      // Row locks make it run once across replicas; Quartz's shared triggers would add nothing.
      executeWith = Scheduled.SIMPLE,
      every = "${mailplane.acme.poll-interval:2s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void tick() {
    wake();
  }

  public void wake() {
    if (queued.compareAndSet(false, true)) {
      try {
        thread.execute(this::runSteps);
      } catch (RejectedExecutionException e) {
        // Stopping: the scheduler's last tick can come after onStop shut the worker down.
        queued.set(false);
      }
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    thread.shutdownNow();
  }

  @ActivateRequestContext
  void runSteps() {
    queued.set(false);
    caller.identifyJob("acme");
    try {
      for (int i = 0; i < MAX_STEPS_PER_RUN && worker.stepOne(); i++) {
        // each step commits on its own
      }
      // A step due before the next tick (a poll after Retry-After, say) runs on time rather than
      // up to a poll interval late: issuance latency is a few CA round trips, not ticks.
      worker
          .nextDue()
          .map(at -> Duration.between(Timestamps.now(), at))
          .filter(wait -> wait.compareTo(config.pollInterval()) < 0)
          .ifPresent(
              wait ->
                  thread.schedule(
                      this::wake, Math.max(0, wait.toMillis()) + 5, TimeUnit.MILLISECONDS));
    } catch (RuntimeException e) {
      LOG.warnf("ACME order step: %s", e.toString());
    }
  }

  @Scheduled(
      identity = "acme-renewal",
      executeWith = Scheduled.SIMPLE,
      every = "${mailplane.acme.renewal-check-interval:1m}",
      delayed = "${mailplane.acme.renewal-delay:10s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  @ActivateRequestContext
  void renewDue() {
    caller.identifyJob("acme-renewal");
    try {
      while (renewOne()) {
        // one certificate per transaction
      }
      while (renewals.refreshAriOne()) {
        // one certificate per transaction
      }
      refreshMetrics();
    } catch (RuntimeException e) {
      LOG.warnf("ACME renewal check: %s", e.toString());
    }
  }

  /** Starts an order for one due certificate; false when none is due. */
  boolean renewOne() {
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              @SuppressWarnings("unchecked")
              List<Number> due =
                  ManagedCertificate.getEntityManager()
                      .createNativeQuery(
                          "SELECT id FROM certificate WHERE renew_at <= ?1 AND current_order_id IS"
                              + " NULL ORDER BY renew_at LIMIT 1 FOR UPDATE SKIP LOCKED")
                      .setParameter(1, Timestamps.now())
                      .getResultList();
              if (due.isEmpty()) {
                return false;
              }
              ManagedCertificate certificate = ManagedCertificate.findById(due.get(0).longValue());
              ledger.start(certificate, certificate.failures > 0 ? "retry" : "renewal");
              return true;
            });
  }

  private void refreshMetrics() {
    for (ManagedCertificate certificate : ManagedCertificate.<ManagedCertificate>listAll()) {
      metrics.refresh(certificate.name, certificate.notAfter);
    }
  }
}
