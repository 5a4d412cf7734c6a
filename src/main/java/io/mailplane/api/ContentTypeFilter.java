package io.mailplane.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * A request body must say what it is. Without a Content-Type, or with a wildcard one, JAX-RS
 * matching accepts every @Consumes, so the body would be read as JSON whatever it holds.
 */
public class ContentTypeFilter {

  @ServerRequestFilter(preMatching = true, priority = 20)
  public Response requireContentType(ContainerRequestContext request) {
    String path = request.getUriInfo().getPath();
    boolean hasBody =
        request.getLength() > 0 || request.getHeaderString("Transfer-Encoding") != null;
    if (!path.startsWith("/api/") || !hasBody) {
      return null;
    }
    MediaType type;
    try {
      type = request.getMediaType();
    } catch (IllegalArgumentException e) {
      type = null;
    }
    if (type == null || type.isWildcardType() || type.isWildcardSubtype()) {
      return ProblemMapper.response(
          ProblemKind.UNSUPPORTED_MEDIA_TYPE,
          "send the body with Content-Type: application/json",
          List.of(),
          Map.of(),
          path);
    }
    return null;
  }
}
