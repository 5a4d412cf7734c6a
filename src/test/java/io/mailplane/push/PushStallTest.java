package io.mailplane.push;

import static io.mailplane.TestApi.admin;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.mailplane.NeedsDaemons;
import io.mailplane.TestApi;
import io.mailplane.dkim.RspamdRedisTarget;
import io.mailplane.dkim.SigningKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.core.Vertx;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Doveadm endpoints that stall (headers then no body; accepted and never answered): the other
 * targets keep receiving changes promptly, and the stalled ones show as failing.
 */
@NeedsDaemons
@QuarkusTest
class PushStallTest {
  /** The stalled targets' deadline. */
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** Well below TIMEOUT: a target that waited for a stalled one would miss it. */
  private static final Duration PROMPT = Duration.ofSeconds(5);

  @Inject PushTargets targets;
  @Inject SigningKeys signingKeys;
  @Inject LoginStates logins;
  @Inject ObjectMapper json;
  @Inject Vertx vertx;
  @Inject AgroalDataSource dataSource;

  @ConfigProperty(name = "mailplane.push.targets.rspamd.url")
  String rspamdUrl;

  @Test
  void aStalledTargetDelaysNoOtherAndShowsAsFailing() throws Exception {
    // Named to sort before "rspamd": the publisher used to visit targets in name order.
    try (StallingServer headersOnly = new StallingServer(true);
        StallingServer silent = new StallingServer(false);
        RedisHashes hashes = new RedisHashes(vertx, rspamdUrl)) {
      targets.put("a-stall-body", doveadm(headersOnly));
      targets.put("a-stall-silent", doveadm(silent));
      try {
        // Both stalled targets get their first delivery (a reconcile) under way.
        headersOnly.awaitConnection();
        silent.awaitConnection();
        for (int i = 0; i < 2; i++) {
          String domain = enableDkim();
          Map<String, String> wanted = RspamdRedisTarget.fields(signingKeys.of(domain));
          Instant deadline = Instant.now().plus(PROMPT);
          Map<String, String> hash = hashes.hash("dkim_keys");
          while (!hash.entrySet().containsAll(wanted.entrySet())
              && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
            hash = hashes.hash("dkim_keys");
          }
          assertTrue(
              hash.entrySet().containsAll(wanted.entrySet()),
              "the rspamd target did not receive " + domain + "'s key within " + PROMPT);
        }
        awaitFailing("a-stall-body");
        awaitFailing("a-stall-silent");
      } finally {
        targets.remove("a-stall-body");
        targets.remove("a-stall-silent");
        // Closed first: a publisher still stuck on one is released before its row is deleted.
        headersOnly.close();
        silent.close();
        try (Connection connection = dataSource.getConnection();
            PreparedStatement delete =
                connection.prepareStatement(
                    "DELETE FROM push_target_state WHERE name LIKE 'a-stall-%'")) {
          delete.executeUpdate();
        }
      }
    }
  }

  private DoveadmTarget doveadm(StallingServer server) {
    return new DoveadmTarget(
        "http://127.0.0.1:" + server.port() + "/doveadm/v1", "stall-key", TIMEOUT, logins, json);
  }

  private static void awaitFailing(String name) throws InterruptedException {
    Instant deadline = Instant.now().plus(TIMEOUT.multipliedBy(3));
    Map<String, Object> state = null;
    while (Instant.now().isBefore(deadline)) {
      JsonPath status =
          admin().get("/api/v1/push/targets").then().statusCode(200).extract().jsonPath();
      state = status.getMap("items.find { it.name == '" + name + "' }");
      if (state != null && ((Number) state.get("consecutiveFailures")).intValue() > 0) {
        assertTrue(String.valueOf(state.get("lastError")).contains("within"), "" + state);
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(name + " never showed as failing: " + state);
  }

  private static String enableDkim() {
    String domain = TestApi.createDomain();
    admin()
        .body(Map.of("selector", "s", "algorithm", "ed25519"))
        .put("/api/v1/domains/" + domain + "/dkim")
        .then()
        .statusCode(201);
    return domain;
  }

  /**
   * Accepts connections and holds them open: with headersOnly it reads the request and answers with
   * headers announcing a body it never sends; otherwise it never reads or answers at all.
   */
  private static final class StallingServer implements AutoCloseable {
    private final ServerSocket socket;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    StallingServer(boolean headersOnly) throws IOException {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      acceptor =
          new Thread(
              () -> {
                while (!socket.isClosed()) {
                  try {
                    Socket client = socket.accept();
                    held.add(client);
                    if (headersOnly) {
                      answerHeadersOnly(client);
                    }
                  } catch (IOException closed) {
                    return;
                  }
                }
              },
              "stalling-server");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    private static void answerHeadersOnly(Socket client) throws IOException {
      InputStream in = client.getInputStream();
      byte[] buffer = new byte[8192];
      StringBuilder request = new StringBuilder();
      while (!request.toString().contains("\r\n\r\n")) {
        int read = in.read(buffer);
        if (read < 0) {
          return;
        }
        request.append(new String(buffer, 0, read, StandardCharsets.ISO_8859_1));
      }
      OutputStream out = client.getOutputStream();
      out.write(
          ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }

    int port() {
      return socket.getLocalPort();
    }

    void awaitConnection() throws InterruptedException {
      Instant deadline = Instant.now().plusSeconds(10);
      while (held.isEmpty() && Instant.now().isBefore(deadline)) {
        Thread.sleep(20);
      }
      assertTrue(!held.isEmpty(), "the publisher never connected");
    }

    /** Idempotent: the test closes it before its row is deleted, and again on leaving. */
    @Override
    public void close() throws IOException {
      socket.close();
      for (Socket client : held) {
        client.close();
      }
    }
  }
}
