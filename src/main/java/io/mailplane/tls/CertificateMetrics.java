package io.mailplane.tls;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * mailplane_certificate_not_after_seconds{name} and mailplane_certificate_expires_in_seconds{name}
 * (for "expires within N days" alerts that do not depend on mailplane's own renewal working) and
 * mailplane_acme_orders_total{outcome}. docs/observability.md lists them.
 */
@ApplicationScoped
public class CertificateMetrics {
  private static final String NOT_AFTER = "mailplane.certificate.not.after";
  private static final String EXPIRES_IN = "mailplane.certificate.expires.in";

  @Inject MeterRegistry registry;

  private final Map<String, Long> notAfter = new ConcurrentHashMap<>();

  public void refresh(String name, Instant expiry) {
    if (expiry == null) {
      return;
    }
    boolean registered = notAfter.containsKey(name);
    notAfter.put(name, expiry.getEpochSecond());
    if (!registered) {
      Gauge.builder(NOT_AFTER, notAfter, values -> values.getOrDefault(name, 0L).doubleValue())
          .tag("name", name)
          .baseUnit("seconds")
          .description("Expiry of the installed certificate, Unix time")
          .register(registry);
      Gauge.builder(
              EXPIRES_IN,
              notAfter,
              values ->
                  values.getOrDefault(name, 0L).doubleValue() - Instant.now().getEpochSecond())
          .tag("name", name)
          .baseUnit("seconds")
          .description("Seconds until the installed certificate expires; negative once expired")
          .register(registry);
    }
  }

  public void forget(String name) {
    notAfter.remove(name);
    for (String meter : new String[] {NOT_AFTER, EXPIRES_IN}) {
      registry.find(meter).tag("name", name).meters().forEach(registry::remove);
    }
  }

  public void orderFinished(boolean valid) {
    Counter.builder("mailplane.acme.orders")
        .tag("outcome", valid ? "valid" : "failed")
        .description("ACME orders finished, by outcome")
        .register(registry)
        .increment();
  }
}
