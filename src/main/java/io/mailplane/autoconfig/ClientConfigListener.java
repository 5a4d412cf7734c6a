package io.mailplane.autoconfig;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailplane.api.ApiConfig;
import io.mailplane.api.ApiException;
import io.mailplane.api.BodyLimit;
import io.mailplane.api.Problem;
import io.mailplane.api.ProblemKind;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * An optional second listener (mailplane.autoconfig.listener.port) that answers only the autoconfig
 * and autodiscover paths, so they can be opened to the internet (autoconfig.&lt;domain&gt; and
 * autodiscover.&lt;domain&gt; point here) without exposing the API. Built on Vert.x directly, like
 * the ACME challenge listener: a second Quarkus HTTP server would serve every resource.
 */
@ApplicationScoped
public class ClientConfigListener {
  private static final Logger LOG = Logger.getLogger(ClientConfigListener.class);
  private static final Set<String> MOZILLA =
      Set.of(ClientConfigResource.MOZILLA, ClientConfigResource.MOZILLA_WELL_KNOWN);
  private static final Set<String> OUTLOOK =
      Set.of(ClientConfigResource.OUTLOOK, ClientConfigResource.OUTLOOK_CAPITALIZED);

  @Inject AutoconfigConfig config;
  @Inject ApiConfig api;
  @Inject ClientConfigService service;
  @Inject ObjectMapper json;
  @Inject Vertx vertx;

  private HttpServer server;

  void start(@Observes StartupEvent event) throws Exception {
    if (config.listener().port().isEmpty()) {
      return;
    }
    int port = config.listener().port().getAsInt();
    server = vertx.createHttpServer().requestHandler(this::handle);
    server
        .listen(port, config.listener().host())
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    LOG.infof("mail client autoconfig also served on %s:%d", config.listener().host(), port);
  }

  void stop(@Observes ShutdownEvent event) throws Exception {
    if (server != null) {
      server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }

  private void handle(HttpServerRequest request) {
    String path = request.path();
    boolean mozilla = MOZILLA.contains(path) && request.method() == HttpMethod.GET;
    boolean outlook =
        OUTLOOK.contains(path)
            && (request.method() == HttpMethod.GET || request.method() == HttpMethod.POST);
    if (!mozilla && !outlook) {
      problem(request, ProblemKind.NOT_FOUND, "only mail client autoconfiguration is served here");
      return;
    }
    long max = api.maxBodyBytes();
    if (declaredLength(request) > max) {
      problem(
          request,
          ProblemKind.PAYLOAD_TOO_LARGE,
          new BodyLimit(max, "mailplane.api.max-body-bytes").refusal());
      return;
    }
    Buffer body = Buffer.buffer();
    request.handler(
        chunk -> {
          // A chunked body has no length to check up front: stop reading past the limit.
          if (body.length() + chunk.length() > max) {
            request.connection().close();
            return;
          }
          body.appendBuffer(chunk);
        });
    request.endHandler(
        done -> {
          String emailAddress = request.getParam("emailaddress");
          String host = request.getHeader("Host");
          String text = body.toString(StandardCharsets.UTF_8);
          vertx
              .<ClientConfigService.Document>executeBlocking(
                  () ->
                      mozilla
                          ? service.mozilla(emailAddress, host)
                          : service.outlook(
                              request.method() == HttpMethod.GET ? emailAddress : null,
                              request.method() == HttpMethod.POST ? text : null,
                              host))
              .onComplete(
                  result -> {
                    if (result.succeeded()) {
                      request
                          .response()
                          .putHeader("Content-Type", result.result().mediaType())
                          .end(result.result().body());
                    } else if (result.cause() instanceof ApiException e) {
                      problem(request, e.kind(), e.getMessage());
                    } else {
                      LOG.error("autoconfig request failed", result.cause());
                      problem(request, ProblemKind.INTERNAL_ERROR, "unexpected error");
                    }
                  });
        });
  }

  /** The Content-Length, 0 when absent; an unreadable one counts as too large. */
  private static long declaredLength(HttpServerRequest request) {
    String length = request.getHeader("Content-Length");
    if (length == null) {
      return 0;
    }
    try {
      return Long.parseLong(length.strip());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  private void problem(HttpServerRequest request, ProblemKind kind, String detail) {
    // The instance is one of the served paths or nothing: a path of the caller's choosing is not
    // echoed.
    String path = request.path();
    String instance = MOZILLA.contains(path) || OUTLOOK.contains(path) ? path : null;
    Problem problem = Problem.of(kind, detail, null, instance);
    String body;
    try {
      body = json.writeValueAsString(problem);
    } catch (JsonProcessingException e) {
      body = "{}";
    }
    request
        .response()
        .setStatusCode(kind.status())
        .putHeader("Content-Type", Problem.MEDIA_TYPE)
        .end(body);
  }
}
