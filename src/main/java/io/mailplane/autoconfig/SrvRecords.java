package io.mailplane.autoconfig;

import io.mailplane.dns.ExpectedRecords;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * The RFC 6186 SRV records (and RFC 8314's _submissions) for the services clients are offered, in
 * the DNS report: clients that do not read autoconfig find the servers this way. Implicit TLS gets
 * the lower priority value, so a client offered both prefers it (RFC 8314 §5.1).
 */
@ApplicationScoped
public class SrvRecords {
  @Inject ClientSettings settings;

  void add(@Observes ExpectedRecords expected) {
    for (MailServer server : settings.servers()) {
      int priority = server.implicitTls() ? 0 : 10;
      expected.add(
          "srv",
          server.srvService() + "._tcp." + expected.domain(),
          "SRV",
          priority + " 1 " + server.port() + " " + expected.mailHost());
    }
  }
}
