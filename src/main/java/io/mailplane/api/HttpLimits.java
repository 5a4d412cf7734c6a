package io.mailplane.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Limits checked on the raw HTTP request, before Quarkus' own checks, so that their failures are
 * problem documents too: a declared body above the path's limit ({@link BodyLimits}) is refused
 * here from its headers (Quarkus would answer one above quarkus.http.limits.max-body-size with a
 * bare 413), Netty an over-long request line with a bare 414 and Quarkus' root handler a malformed
 * URI with a bare 400 (switched off by {@link QuarkusUriCheckOff}, checked here). Netty's
 * request-line limit is set above ours (application.properties), so ours answers first.
 */
@ApplicationScoped
public class HttpLimits {
  @Inject ApiConfig config;
  @Inject BodyLimits bodyLimits;
  @Inject ObjectMapper mapper;

  /**
   * Quarkus' own limit: above it, a chunked body fails with a bare 413 (or an error in the middle
   * of reading) before ours can answer, so it must stay above every limit of ours.
   */
  @ConfigProperty(name = "quarkus.http.limits.max-body-size")
  Optional<MemorySize> httpMaxBody;

  void install(@Observes Router router) {
    long http = httpMaxBody.map(MemorySize::asLongValue).orElse(Long.MAX_VALUE);
    if (http <= bodyLimits.largest()) {
      // Refuse to start rather than answer some large bodies with a bare 413 or a 500.
      throw new IllegalStateException(
          "quarkus.http.limits.max-body-size ("
              + http
              + " bytes) must be above the largest request body limit of "
              + bodyLimits.largest()
              + " bytes (mailplane.api.max-body-bytes, mailplane.config.max-body-bytes);"
              + " raise it");
    }
    router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(this::check);
    // A path Vert.x Web cannot normalize ('%' without two hex digits) fails while the router
    // matches routes, before any route or failure handler runs; only a status error handler of
    // the router sees it (its default is a text/plain "Bad Request").
    router.errorHandler(400, this::unroutable);
  }

  private void unroutable(RoutingContext context) {
    String malformed = syntaxError(context.request().uri());
    reply(
        context,
        Problem.of(
            ProblemKind.MALFORMED_REQUEST,
            "the request URI is not valid" + (malformed == null ? "" : ": " + malformed),
            List.of(),
            context.request().path()),
        false);
  }

  private void check(RoutingContext context) {
    HttpServerRequest request = context.request();
    String uri = request.uri();
    String path = request.path();
    if (uri.length() > config.maxUriLength()) {
      reply(
          context,
          Problem.of(
              ProblemKind.URI_TOO_LONG,
              "the request URI exceeds the limit of "
                  + config.maxUriLength()
                  + " characters (mailplane.api.max-uri-length)",
              List.of(),
              path),
          false);
      return;
    }
    String malformed = syntaxError(uri);
    if (malformed != null) {
      // Quarkus' own check is switched off (QuarkusUriCheckOff) so that this one answers.
      reply(
          context,
          Problem.of(
              ProblemKind.MALFORMED_REQUEST,
              "the request URI is not valid: " + malformed,
              List.of(),
              path),
          false);
      return;
    }
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    BodyLimit limit =
        length == null
            ? null
            : bodyLimits.of(path, Prefer.respondAsync(request.headers().getAll(Prefer.HEADER)));
    if (limit != null && declared(length) > limit.bytes()) {
      refuseBody(
          context,
          Problem.of(ProblemKind.PAYLOAD_TOO_LARGE, limit.refusal(), List.of(), path),
          declared(length));
      return;
    }
    context.next();
  }

  /**
   * Refuses a body known from its Content-Length to be too large, at once and without keeping any
   * of it. A client that sent "Expect: 100-continue" (curl does for large bodies) gets no 100 and
   * never sends the body: the connection is closed after the answer. Any other is already sending,
   * and closing under a sending client resets the connection, which loses the answer (Java's
   * HttpClient then sees only an IOException): what it sends is read and dropped, up to {@link
   * BodyLimit#DRAINED}, and the connection closed when the body has ended.
   */
  private void refuseBody(RoutingContext context, Problem problem, long declared) {
    HttpServerRequest request = context.request();
    boolean waits = "100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT));
    if (waits || declared > BodyLimit.DRAINED || request.isEnded()) {
      reply(context, problem, true);
      return;
    }
    request.handler(dropped -> {});
    request.exceptionHandler(failure -> request.connection().close());
    request.endHandler(ended -> request.connection().close());
    request.resume();
    // The answer still says "Connection: close": without it a client that finished sending puts
    // the connection back in its pool and its next request races the close below (Java's
    // HttpClient then fails that request with "header parser received no bytes").
    context.response().putHeader(HttpHeaders.CONNECTION, "close");
    reply(context, problem, false);
  }

  /**
   * The check Quarkus' root handler made before {@link QuarkusUriCheckOff} switched it off (a '%'
   * not followed by two hex digits, a raw '{' or '"' ...); null when the URI passes.
   */
  private static String syntaxError(String uri) {
    try {
      new URI(uri);
      return null;
    } catch (URISyntaxException e) {
      return e.getMessage();
    }
  }

  private static long declared(String length) {
    try {
      return Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return 0; // Netty rejects a malformed Content-Length itself
    }
  }

  private void reply(RoutingContext context, Problem problem, boolean close) {
    String body;
    try {
      body = mapper.writeValueAsString(problem);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    var response = context.response().setStatusCode(problem.status());
    response.putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE);
    if (close) {
      response.putHeader(HttpHeaders.CONNECTION, "close");
      response.endHandler(ignored -> context.request().connection().close());
    }
    response.end(body);
  }
}
