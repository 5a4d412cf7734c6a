package io.mailplane.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bulk load's new mailboxes reach the targets as one action per delivered batch: Dovecot forgets
 * all cached logins once (no per-user list, no kicks), and a command configured for mailbox changes
 * runs once.
 */
class NewMailboxesPushTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void doveadmFlushesItsWholeCacheOnceForABatchOfNewMailboxes() throws Exception {
    List<JsonNode> requests = new CopyOnWriteArrayList<>();
    HttpServer doveadm = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    doveadm.createContext(
        "/doveadm/v1",
        exchange -> {
          JsonNode commands = JSON.readTree(exchange.getRequestBody());
          requests.add(commands);
          StringBuilder answer = new StringBuilder("[");
          for (JsonNode command : commands) {
            answer
                .append(answer.length() > 1 ? "," : "")
                .append("[\"doveadmResponse\",[],\"")
                .append(command.path(2).asText())
                .append("\"]");
          }
          byte[] body = answer.append(']').toString().getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    doveadm.start();
    try {
      List<String> asked = new CopyOnWriteArrayList<>();
      LoginStates logins =
          addresses -> {
            asked.addAll(addresses);
            return Set.of();
          };
      DoveadmTarget target =
          new DoveadmTarget(
              "http://127.0.0.1:" + doveadm.getAddress().getPort() + "/doveadm/v1",
              "key",
              Duration.ofSeconds(5),
              logins,
              JSON);
      target.apply(
          List.of(
              new PushTarget.Change(Outbox.NEW_MAILBOXES, "a.example"),
              new PushTarget.Change(Outbox.NEW_MAILBOXES, "b.example"),
              new PushTarget.Change(Outbox.NEW_MAILBOXES, "c.example")));
      assertEquals(1, requests.size(), "one request for the batch: " + requests);
      JsonNode flush = requests.get(0).get(0);
      assertEquals("authCacheFlush", flush.get(0).asText());
      assertEquals(0, flush.get(1).get("user").size(), "an empty user list flushes all");
      assertTrue(asked.isEmpty(), "nobody to kick: " + asked);

      // Beside a changed mailbox the whole flush covers it; its kick check still runs.
      requests.clear();
      target.apply(
          List.of(
              new PushTarget.Change(Outbox.MAILBOX, "old@a.example"),
              new PushTarget.Change(Outbox.NEW_MAILBOXES, "a.example")));
      assertEquals(1, requests.size());
      assertEquals(0, requests.get(0).get(0).get(1).get("user").size());
      assertEquals(List.of("old@a.example"), asked);
    } finally {
      doveadm.stop(0);
    }
  }

  @Test
  void aCommandForMailboxChangesRunsOnceForNewMailboxes(@TempDir Path dir) throws Exception {
    Path ran = dir.resolve("ran");
    CommandTarget target =
        new CommandTarget(
            List.of("sh", "-c", "echo x >> " + ran),
            Set.of(Outbox.MAILBOX),
            Duration.ofSeconds(10));
    target.apply(
        List.of(
            new PushTarget.Change(Outbox.NEW_MAILBOXES, "a.example"),
            new PushTarget.Change(Outbox.NEW_MAILBOXES, "b.example")));
    assertEquals(1, Files.readAllLines(ran).size());

    CommandTarget tlsOnly =
        new CommandTarget(
            List.of("sh", "-c", "echo x >> " + ran), Set.of(Outbox.TLS), Duration.ofSeconds(10));
    tlsOnly.apply(List.of(new PushTarget.Change(Outbox.NEW_MAILBOXES, "a.example")));
    assertEquals(1, Files.readAllLines(ran).size(), "a command for TLS only does not run");
  }
}
