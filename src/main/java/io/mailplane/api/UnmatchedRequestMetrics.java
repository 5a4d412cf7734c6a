package io.mailplane.api;

import io.vertx.core.http.impl.HttpServerRequestInternal;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * HTTP server metrics name a request by its route template (/api/v1/mailboxes/{address}), which
 * REST sets once a resource method matches. A request refused before that (415, 413, 405, a
 * malformed path) would be named by its raw path: mail addresses in an unauthenticated /q/metrics,
 * and one new time series per path an attacker makes up. Such requests share one name instead.
 */
@ApplicationScoped
public class UnmatchedRequestMetrics {
  /** The context key REST and Micrometer share for the template (ObservabilityUtil). */
  private static final String TEMPLATE = "UrlPathTemplate";

  static final String UNMATCHED = "UNMATCHED";

  void register(@Observes Router router) {
    router
        .route()
        .order(Integer.MIN_VALUE)
        .handler(
            context -> {
              // /q/ (health, metrics) keeps its own paths: Micrometer leaves those out by path.
              if (!context.normalizedPath().startsWith("/q/")) {
                ((HttpServerRequestInternal) context.request())
                    .context()
                    .putLocal(TEMPLATE, UNMATCHED);
              }
              context.next();
            });
  }
}
