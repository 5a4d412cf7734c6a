package io.mailplane.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Counters that move at the event, called by the feature that sees it. Names and labels are a
 * contract with dashboards and alert rules (docs/observability.md): change them only with those.
 */
@ApplicationScoped
public class MailplaneMetrics {
  static final String FETCHMAIL_RUNS = "mailplane.fetchmail.runs";

  @Inject MeterRegistry registry;

  /** A fetchmail run finished with this outcome (fetched, no_mail, auth_failed, timeout, ...). */
  public void fetchmailRun(String outcome) {
    Counter.builder(FETCHMAIL_RUNS)
        .tag("outcome", outcome)
        .description("Fetchmail runs finished on this replica, by outcome")
        .register(registry)
        .increment();
  }
}
