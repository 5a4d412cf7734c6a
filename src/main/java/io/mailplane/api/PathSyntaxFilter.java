package io.mailplane.api;

import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * No key in this API holds ';', but JAX-RS reads a raw ';' as the start of matrix parameters and
 * drops it from path parameters, so {@code /certificates/mail;x} would act on {@code mail}: a path
 * that does not say exactly which object it means is refused before matching. The check is on every
 * path, not only under /api/: routing decodes and normalizes the path ({@code /%61pi/}, {@code
 * /./api/}, {@code /x/../api/}), so a raw-path prefix test would let such spellings through. A
 * percent-encoded {@code %3B} stays allowed: it reaches the key as a literal ';', which no key
 * holds, so it names nothing else.
 */
public class PathSyntaxFilter {

  @ServerRequestFilter(preMatching = true, priority = 1)
  public Response refuseMatrixParameters(ContainerRequestContext request, HttpServerRequest http) {
    // The request line's path: REST strips matrix parameters before any filter sees its URI.
    String raw = http.path();
    if (raw == null || raw.indexOf(';') < 0) {
      return null;
    }
    return ProblemMapper.response(
        ProblemKind.MALFORMED_REQUEST,
        "the path holds ';' (matrix parameters are not supported; percent-encode a literal ';')",
        List.of(),
        Map.of(),
        raw);
  }
}
