package io.mailplane.fetchmail;

import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.as;
import static io.mailplane.TestApi.createDomain;
import static io.mailplane.TestApi.createMailbox;
import static io.mailplane.TestApi.token;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.NeedsDaemons;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Without {@code mailplane.fetchmail.allowed-networks} (the test profile otherwise allows loopback,
 * where the test servers listen) fetchmail reaches no loopback, private, link-local or unspecified
 * address: refused when an account is written, in every notation, and refused again before a run of
 * an account whose stored host points there, without connecting, so the outcome is the same whether
 * the port is open or closed.
 */
@NeedsDaemons
@QuarkusTest
@TestProfile(FetchmailDestinationTest.NoAllowList.class)
class FetchmailDestinationTest {
  static final String PASSWORD = "Correct-Horse-Battery-9";

  public static class NoAllowList implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("mailplane.fetchmail.allowed-networks", "");
    }
  }

  static Map<String, Object> body(String mailbox, String host, int port) {
    Map<String, Object> body = FetchmailApi.plainImap(mailbox, host, port, "remote", PASSWORD);
    body.put("enabled", false);
    return body;
  }

  @Test
  void nonPublicHostsAre400InEveryNotationAndChangeNothing() {
    String d = createDomain();
    String mailbox = "local@" + d;
    createMailbox(mailbox, PASSWORD);
    String scoped = token("domain:" + d);
    for (String host :
        List.of(
            "127.0.0.1",
            "::1",
            "localhost",
            "169.254.169.254",
            "0.0.0.0",
            "::",
            "2130706433",
            "0x7f000001",
            "0177.0.0.1",
            "127.1",
            "::ffff:127.0.0.1",
            "fe80::1",
            "fd00:ec2::254",
            "100.64.0.1",
            "10.1.2.3",
            "192.168.0.1",
            "224.0.0.1")) {
      // A domain-scoped token and an admin token alike: the allow-list is the only way in.
      for (String token : List.of(scoped, io.mailplane.TestApi.ADMIN_TOKEN)) {
        as(token)
            .body(body(mailbox, host, 3306))
            .post("/api/v1/fetchmail-accounts")
            .then()
            .statusCode(400)
            .contentType("application/problem+json")
            .body("errors[0].field", equalTo("host"))
            .body("errors[0].message", containsString("may not connect"));
      }
    }
    admin()
        .queryParam("mailbox", mailbox)
        .get("/api/v1/fetchmail-accounts")
        .then()
        .statusCode(200)
        .body("items", empty());

    // A change of an existing account is held to the same rule and leaves it as it was.
    long id = FetchmailApi.create(body(mailbox, "192.0.2.1", 143));
    try {
      admin()
          .body(Map.of("host", "0x7f000001", "port", 3306))
          .patch("/api/v1/fetchmail-accounts/" + id)
          .then()
          .statusCode(400)
          .body("errors[0].field", equalTo("host"));
      admin()
          .get("/api/v1/fetchmail-accounts/" + id)
          .then()
          .statusCode(200)
          .body("host", equalTo("192.0.2.1"))
          .body("port", equalTo(143));
    } finally {
      admin().delete("/api/v1/fetchmail-accounts/" + id);
    }
  }

  @Test
  void aStoredLoopbackHostIsRefusedBeforeTheRunAndNeverConnected() throws Exception {
    String d = createDomain();
    String mailbox = "local@" + d;
    createMailbox(mailbox, PASSWORD);
    long id = FetchmailApi.create(body(mailbox, "192.0.2.1", 143));
    AtomicInteger connections = new AtomicInteger();
    try (ServerSocket open = new ServerSocket(0)) {
      Thread acceptor =
          new Thread(
              () -> {
                while (true) {
                  try (Socket s = open.accept()) {
                    connections.incrementAndGet();
                  } catch (Exception closed) {
                    return;
                  }
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      int closed;
      try (ServerSocket s = new ServerSocket(0)) {
        closed = s.getLocalPort();
      }
      String[] logs = new String[2];
      int[] ports = {open.getLocalPort(), closed};
      for (int i = 0; i < 2; i++) {
        // As a seed import or a name that resolved elsewhere at write time would leave it.
        int port = ports[i];
        QuarkusTransaction.requiringNew()
            .run(
                () ->
                    FetchmailAccount.update(
                        "host = ?1, port = ?2 where id = ?3", "127.0.0.1", port, id));
        long runId = FetchmailApi.runNow(id);
        JsonPath run = FetchmailApi.awaitFinished(id, runId, Duration.ofSeconds(30));
        assertEquals("host_refused", run.getString("outcome"), run.getString("log"));
        assertNull(run.get("exitCode"));
        assertTrue(run.getString("log").contains("loopback"), run.getString("log"));
        logs[i] = run.getString("log");
      }
      assertEquals(logs[0], logs[1], "open and closed ports must look the same");
      assertEquals(0, connections.get(), "fetchmail connected to a refused destination");
    } finally {
      admin().delete("/api/v1/fetchmail-accounts/" + id);
    }
  }
}
