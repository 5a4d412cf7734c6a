package io.mailplane.api;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Rejects oversized bodies with a problem document. The HTTP layer's own limit (set higher in
 * application.properties) only catches bodies without a Content-Length, with a bare 413.
 */
public class BodySizeFilter {
  // Filters are built at static init, before config mappings exist: resolve it per request.
  @Inject Instance<ApiConfig> config;

  @ServerRequestFilter(preMatching = true, priority = 10)
  public jakarta.ws.rs.core.Response limit(ContainerRequestContext request) {
    int length = request.getLength();
    if (length > config.get().maxBodyBytes()) {
      return ProblemMapper.response(
          ProblemKind.PAYLOAD_TOO_LARGE,
          "request body exceeds " + config.get().maxBodyBytes() + " bytes",
          List.of(),
          Map.of(),
          request.getUriInfo().getRequestUri().getPath());
    }
    return null;
  }
}
