package io.mailplane.push;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * mailplane_push_target_failures_total{target}: counted where the failure is seen, here in push, so
 * push depends on no feature package (docs/architecture.md). The name is a contract with the
 * dashboards and alert rules (docs/observability.md).
 */
@ApplicationScoped
public class PushFailureCounter {
  static final String NAME = "mailplane.push.target.failures";

  @Inject MeterRegistry registry;

  /** A delivery to a push target failed (its Redis, doveadm or command refused or timed out). */
  void failed(String target) {
    of(target).increment();
  }

  /** Created at zero for every configured target, so rate() and increase() see the first one. */
  public Counter of(String target) {
    return Counter.builder(NAME)
        .tag("target", target)
        .description("Failed deliveries to a push target on this replica")
        .register(registry);
  }
}
