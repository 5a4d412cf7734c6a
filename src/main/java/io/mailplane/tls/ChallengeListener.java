package io.mailplane.tls;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * An optional second listener (mailplane.acme.challenge-port, typically 80) that answers only
 * /.well-known/acme-challenge/ — so port 80 can be opened to the world without exposing the API.
 */
@ApplicationScoped
public class ChallengeListener {
  private static final Logger LOG = Logger.getLogger(ChallengeListener.class);
  private static final String PREFIX = "/.well-known/acme-challenge/";

  @Inject AcmeConfig config;
  @Inject ChallengeTokens tokens;
  @Inject Vertx vertx;

  private HttpServer server;

  void start(@Observes StartupEvent event) throws Exception {
    if (config.challengePort().isEmpty()) {
      return;
    }
    int port = config.challengePort().getAsInt();
    server =
        vertx
            .createHttpServer()
            .requestHandler(
                request -> {
                  String path = request.path();
                  if (!"GET".equals(request.method().name()) || !path.startsWith(PREFIX)) {
                    request.response().setStatusCode(404).end("not found\n");
                    return;
                  }
                  String token = path.substring(PREFIX.length());
                  vertx
                      .<Optional<String>>executeBlocking(() -> tokens.keyAuthorization(token))
                      .onComplete(
                          result -> {
                            if (result.succeeded() && result.result().isPresent()) {
                              request
                                  .response()
                                  .putHeader("Content-Type", "text/plain")
                                  .end(result.result().get());
                            } else {
                              request.response().setStatusCode(404).end("not found\n");
                            }
                          });
                });
    server
        .listen(port, config.challengeHost())
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    LOG.infof("HTTP-01 challenges also served on %s:%d", config.challengeHost(), port);
  }

  void stop(@Observes ShutdownEvent event) throws Exception {
    if (server != null) {
      server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }
}
