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
 * mailplane_certificate_not_after_seconds{name} (for "expires within N days" alerts that do not
 * depend on mailplane's own renewal working) and mailplane_acme_orders_total{outcome}.
 */
@ApplicationScoped
public class CertificateMetrics {
  @Inject MeterRegistry registry;

  private final Map<String, Long> notAfter = new ConcurrentHashMap<>();

  public void refresh(String name, Instant expiry) {
    if (expiry == null) {
      return;
    }
    boolean registered = notAfter.containsKey(name);
    notAfter.put(name, expiry.getEpochSecond());
    if (!registered) {
      Gauge.builder(
              "mailplane.certificate.not.after",
              notAfter,
              values -> values.getOrDefault(name, 0L).doubleValue())
          .tag("name", name)
          .baseUnit("seconds")
          .description("Expiry of the installed certificate, Unix time")
          .register(registry);
    }
  }

  public void forget(String name) {
    notAfter.remove(name);
    registry
        .find("mailplane.certificate.not.after")
        .tag("name", name)
        .meters()
        .forEach(registry::remove);
  }

  public void orderFinished(boolean valid) {
    Counter.builder("mailplane.acme.orders")
        .tag("outcome", valid ? "valid" : "failed")
        .description("ACME orders finished, by outcome")
        .register(registry)
        .increment();
  }
}
