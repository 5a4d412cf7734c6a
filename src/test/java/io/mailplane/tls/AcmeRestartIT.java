package io.mailplane.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailplane.NeedsDaemons;
import io.mailplane.contract.ResponseContract;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An order interrupted by a crash resumes: the packaged service is killed with SIGKILL while an
 * order is in flight at Pebble (after the CA order exists, before the certificate is installed),
 * started again on the same database, and the same order finishes — no second order, the
 * certificate installed. Runs after `package` (failsafe) against its own database, Pebble and the
 * challenge port 5002 the surefire ACME tests have released by then.
 */
@NeedsDaemons
class AcmeRestartIT {
  private static final String DB = "mailplane_it";
  private static final boolean POSTGRESQL = "postgresql".equals(System.getProperty("mailplane.db"));

  /** The engine the jar was built for (-Dmailplane.db); test-services.sh creates the database. */
  private static final String DB_URL =
      POSTGRESQL ? "jdbc:postgresql://127.0.0.1:5432/" + DB : "jdbc:mariadb://127.0.0.1:3306/" + DB;

  private static final String TOKEN = "it-admin-token-" + UUID.randomUUID();

  /**
   * Killed here, the order resumes whatever the CA does meanwhile: tokens published but the CA not
   * yet asked (publishing), or validated and finalizing. Not while validating: Pebble may be
   * fetching the token from the very process being killed, and that order fails by right.
   */
  private static final Set<String> KILL_IN = Set.of("publishing", "finalizing");

  private static final Set<String> BEFORE_KILL_WINDOW = Set.of("new", "awaiting-dns", "validating");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newHttpClient();
  private final String cryptoKey =
      Base64.getEncoder().encodeToString(new SecureRandom().generateSeed(32));
  private Path work;
  private int port;
  private Process service;

  @BeforeEach
  void freshDatabase() throws Exception {
    // On MariaDB the server, as the database is dropped and created.
    String admin = POSTGRESQL ? DB_URL : "jdbc:mariadb://127.0.0.1:3306/";
    try (Connection c = DriverManager.getConnection(admin, "mailplane", "mailplane");
        Statement s = c.createStatement()) {
      if (POSTGRESQL) {
        // mailplane owns the database but may not create one: an empty schema is as fresh.
        s.execute("DROP SCHEMA public CASCADE");
        s.execute("CREATE SCHEMA public");
      } else {
        s.execute("DROP DATABASE IF EXISTS " + DB);
        s.execute("CREATE DATABASE " + DB + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
      }
    }
    work = Files.createTempDirectory(Path.of("target"), "acme-restart-");
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (service != null) {
      service.destroy();
      service.waitFor();
    }
  }

  @Test
  void anOrderKilledMidwayResumesAfterRestart() throws Exception {
    // The whole order takes well under a second against Pebble; when this run's kill comes too
    // late (the order already done), try again with another certificate.
    for (int attempt = 1; attempt <= 5; attempt++) {
      service = start("run-" + attempt + "a");
      String name = "r" + UUID.randomUUID().toString().substring(0, 8);
      send(
          "PUT",
          "/api/v1/certificates/" + name,
          Acme.http01(List.of(name + ".acme.test"), false),
          201);
      JsonNode caught = awaitInFlightOrder(name);
      service.destroyForcibly().waitFor();
      service = null;
      if (caught == null) {
        continue;
      }
      long orderId = caught.get("id").asLong();
      String statusAtKill = caught.get("status").asText();
      Instant killedAt = Instant.now();

      service = start("run-" + attempt + "b");
      JsonNode orders = send("GET", "/api/v1/certificates/" + name + "/orders", null, 200);
      JsonNode finished = orders.get("items").get(0).get("finishedAt");
      if (!finished.isNull() && Instant.parse(finished.asText()).isBefore(killedAt)) {
        // Done between the look and the kill: nothing was interrupted.
        service.destroy();
        service.waitFor();
        service = null;
        continue;
      }
      JsonNode certificate = awaitValid(name);
      orders = send("GET", "/api/v1/certificates/" + name + "/orders", null, 200);
      assertEquals(1, orders.get("items").size(), "no second order after the restart: " + orders);
      JsonNode order = orders.get("items").get(0);
      assertEquals(orderId, order.get("id").asLong());
      assertEquals("valid", order.get("status").asText());
      boolean stepAfterRestart = false;
      for (JsonNode step : order.get("timeline")) {
        stepAfterRestart |= Instant.parse(step.get("at").asText()).isAfter(killedAt);
      }
      assertTrue(stepAfterRestart, "the restarted service advanced the order: " + order);
      Path fullchain = work.resolve("volume").resolve(name).resolve("fullchain.pem");
      assertTrue(Files.exists(fullchain), "installed after the restart");
      assertNotNull(certificate.get("serial").asText());
      System.out.printf(
          "killed order %d in status %s on attempt %d; resumed to valid%n",
          orderId, statusAtKill, attempt);
      return;
    }
    fail("five orders completed before they could be killed");
  }

  /** Polls the order tightly; null when the order finished before it was seen in flight. */
  private JsonNode awaitInFlightOrder(String name) throws Exception {
    Instant deadline = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(deadline)) {
      JsonNode items =
          send("GET", "/api/v1/certificates/" + name + "/orders", null, 200).get("items");
      if (items.size() > 0) {
        JsonNode order = items.get(0);
        String status = order.get("status").asText();
        if (KILL_IN.contains(status) && !order.get("orderUrl").isNull()) {
          return order;
        }
        if (!BEFORE_KILL_WINDOW.contains(status)) {
          return null;
        }
      }
      Thread.sleep(5);
    }
    throw new AssertionError("no order of " + name + " got going within 30 s");
  }

  private JsonNode awaitValid(String name) throws Exception {
    Instant deadline = Instant.now().plusSeconds(60);
    JsonNode last = null;
    while (Instant.now().isBefore(deadline)) {
      last = send("GET", "/api/v1/certificates/" + name, null, 200);
      if ("valid".equals(last.get("status").asText())) {
        return last;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("not valid after the restart: " + last);
  }

  private Process start(String logName) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("MAILPLANE_DB_URL", DB_URL);
    env.put("MAILPLANE_BOOTSTRAP_TOKEN", TOKEN);
    env.put("MAILPLANE_HTTP_PORT", String.valueOf(port));
    env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
    env.put("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false");
    env.put("MAILPLANE_CRYPTO_KEYS_IT", cryptoKey);
    env.put("MAILPLANE_CRYPTO_ACTIVE_KEY", "it");
    env.put("MAILPLANE_TLS_DIRECTORY", work.resolve("volume").toString());
    env.put("MAILPLANE_TLS_BOOTSTRAP", "false");
    env.put("MAILPLANE_FETCHMAIL_WORK_DIRECTORY", work.resolve("fetchmail").toString());
    env.put("MAILPLANE_ACME_TRUST_STORE", AcmeTestProfile.ACME_DIR + "/ca.pem");
    env.put("MAILPLANE_ACME_CHALLENGE_PORT", Integer.toString(AcmeTestProfile.CHALLENGE_PORT));
    env.put("MAILPLANE_ACME_CHALLENGE_HOST", "127.0.0.1");
    env.put("MAILPLANE_ACME_POLL_INTERVAL", "1s");
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                "target/quarkus-app/quarkus-run.jar")
            .redirectErrorStream(true)
            .redirectOutput(work.resolve(logName + ".log").toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    Instant deadline = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new AssertionError(
            "mailplane exited: " + Files.readString(work.resolve(logName + ".log")));
      }
      try {
        HttpResponse<Void> ready =
            http.send(
                HttpRequest.newBuilder(URI.create(base() + "/q/health/ready")).build(),
                HttpResponse.BodyHandlers.discarding());
        if (ready.statusCode() == 200) {
          return process;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(200);
    }
    process.destroyForcibly();
    throw new AssertionError("mailplane not ready within 60 s, see " + work);
  }

  private JsonNode send(String method, String path, Object body, int expected) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base() + path))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Accept", "application/json");
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    }
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    ResponseContract.check(response.request(), response); // the packaged service keeps it too
    assertEquals(expected, response.statusCode(), method + " " + path + ": " + response.body());
    return JSON.readTree(response.body());
  }

  private String base() {
    return "http://127.0.0.1:" + port;
  }
}
