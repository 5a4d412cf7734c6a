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
 * Rejects oversized bodies with a problem document. The HTTP layer's own limit (set higher in
 * application.properties) answers a declared Content-Length above it with a bare 413, and a chunked
 * body above it with an IOException in the middle of parsing (a 500): stop bodies here first.
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

  /**
   * A body without a Content-Length (chunked) passes the filter above: count its bytes as they are
   * read, so it stops at the same limit, before the HTTP layer's.
   */
  @Provider
  public static class Streamed implements ReaderInterceptor {
    @Inject Instance<ApiConfig> config;

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
      long max = config.get().maxBodyBytes();
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

            private void count(int n) {
              count += n;
              if (count > max) {
                throw new ApiException(
                    ProblemKind.PAYLOAD_TOO_LARGE, "request body exceeds " + max + " bytes");
              }
            }
          });
      return context.proceed();
    }
  }
}
