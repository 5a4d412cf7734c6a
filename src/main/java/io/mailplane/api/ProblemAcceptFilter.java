package io.mailplane.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * A client that accepts only application/problem+json is asking for errors in that form, not
 * refusing the operation: generated SDKs send exactly that for operations whose only documented
 * bodies are problems (every DELETE: 204 or a problem). JAX-RS matching would answer 406 against
 * the resources' {@code @Produces(application/json)}, so such a request also accepts JSON, at a
 * lower preference. Errors are problem+json either way (ProblemMapper).
 */
public class ProblemAcceptFilter {
  private static final MediaType PROBLEM = MediaType.valueOf(Problem.MEDIA_TYPE);

  @ServerRequestFilter(preMatching = true, priority = 25)
  public void acceptJsonWithProblems(ContainerRequestContext request) {
    if (!request.getUriInfo().getPath().startsWith("/api/")) {
      return;
    }
    var accepted = request.getAcceptableMediaTypes();
    boolean problemOnly =
        !accepted.isEmpty()
            && accepted.stream().anyMatch(PROBLEM::isCompatible)
            && accepted.stream()
                .noneMatch(
                    t -> t.isWildcardType() || MediaType.APPLICATION_JSON_TYPE.isCompatible(t));
    if (problemOnly) {
      request
          .getHeaders()
          .putSingle(
              HttpHeaders.ACCEPT,
              request.getHeaderString(HttpHeaders.ACCEPT) + ", application/json;q=0.5");
    }
  }
}
