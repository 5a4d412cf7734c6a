package io.mailplane.api;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Tells a developer in quarkus:dev how to call the API. */
public class DevBanner {
  private static final Logger LOG = Logger.getLogger(DevBanner.class);

  void onStart(
      @Observes StartupEvent event,
      @ConfigProperty(name = "quarkus.http.port") int port,
      @ConfigProperty(name = "mailplane.auth.bootstrap-token") java.util.Optional<String> token) {
    if (LaunchMode.current() != LaunchMode.DEVELOPMENT) {
      return;
    }
    String base = "http://localhost:" + port;
    LOG.infof(
        "%n  mailplane dev mode (embedded H2 in ./data)%n"
            + "  try:        curl -H 'Authorization: Bearer %s' %s/api/v1/domains%n"
            + "  Swagger UI: %s/q/swagger-ui%n"
            + "  OpenAPI:    %s/q/openapi%n",
        token.orElse("<MAILPLANE_BOOTSTRAP_TOKEN>"), base, base, base);
  }
}
