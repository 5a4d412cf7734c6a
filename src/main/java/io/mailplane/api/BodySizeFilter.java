package io.mailplane.api;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.FilterInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Rejects oversized bodies with a problem document naming the limit and its setting ({@link
 * BodyLimits}: the path's own). {@link HttpLimits} answers a declared Content-Length above it
 * first; this is the second line for a declared length, and the only one for a chunked body, which
 * the HTTP layer's own limit (set higher) would otherwise end with an error in the middle of
 * parsing (a 500).
 */
public class BodySizeFilter {
  private static final String LIMIT = BodySizeFilter.class.getName() + ".limit";

  // Filters are built at static init, before config mappings exist: resolve it per request.
  @Inject Instance<BodyLimits> limits;

  @ServerRequestFilter(preMatching = true, priority = 10)
  public jakarta.ws.rs.core.Response limit(ContainerRequestContext request) {
    String path = request.getUriInfo().getRequestUri().getPath();
    BodyLimit limit =
        limits.get().of(path, Prefer.respondAsync(request.getHeaders().get(Prefer.HEADER)));
    request.setProperty(LIMIT, limit);
    if (request.getLength() > limit.bytes()) {
      return ProblemMapper.response(
          ProblemKind.PAYLOAD_TOO_LARGE, limit.refusal(), List.of(), Map.of(), path);
    }
    return null;
  }

  /**
   * A body without a Content-Length (chunked) passes the filter above: count its bytes as they are
   * read, so it stops at the same limit, before the HTTP layer's.
   */
  @Provider
  public static class Streamed implements ReaderInterceptor {
    @Inject Instance<ApiConfig> config;

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
      BodyLimit limit =
          context.getProperty(LIMIT) instanceof BodyLimit own
              ? own
              : new BodyLimit(config.get().maxBodyBytes(), "mailplane.api.max-body-bytes");
      long max = limit.bytes();
      context.setInputStream(
          new FilterInputStream(context.getInputStream()) {
            private long count;

            @Override
            public int read() throws IOException {
              int b = super.read();
              count(b < 0 ? 0 : 1);
              return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
              int n = super.read(buffer, offset, length);
              count(Math.max(n, 0));
              return n;
            }

            private void count(int n) throws IOException {
              count += n;
              if (count > max) {
                drain();
                throw new ApiException(ProblemKind.PAYLOAD_TOO_LARGE, limit.refusal());
              }
            }

            /** The client is still sending: read the rest so that it gets the 413, not a reset. */
            private void drain() throws IOException {
              byte[] scratch = new byte[64 * 1024];
              int n;
              while (count <= BodyLimit.DRAINED && (n = in.read(scratch)) >= 0) {
                count += n;
              }
            }
          });
      return context.proceed();
    }
  }
}
