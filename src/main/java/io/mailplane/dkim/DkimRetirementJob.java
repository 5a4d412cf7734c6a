package io.mailplane.dkim;

import io.mailplane.api.Timestamps;
import io.mailplane.auth.Caller;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Deletes retiring selectors once their overlap is over. Idempotent, so running on several replicas
 * at once is harmless (the row lock in retireDue serializes them per domain).
 */
@ApplicationScoped
public class DkimRetirementJob {
  private static final Logger LOG = Logger.getLogger(DkimRetirementJob.class);

  @Inject DkimService service;
  @Inject Caller caller;

  @Scheduled(
      identity = "dkim-retirement",
      every = "${mailplane.dkim.retire-check-every:1m}",
      delayed = "30s",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  @ActivateRequestContext
  void run() {
    caller.identifyJob("dkim-retirement");
    int retired = service.retireDue(Timestamps.now());
    if (retired > 0) {
      LOG.infof("retired %d DKIM selectors after their overlap", retired);
    }
  }
}
