package io.mailplane.fetchmail;

import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.createDomain;
import static io.mailplane.TestApi.createMailbox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.NeedsDaemons;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One domain cannot take every run slot: four accounts of domain A point at a tarpit (accepts,
 * never says a word) and are all started; with four slots per instance and the default per-domain
 * bound (half of them) only two of A's runs start, the others stay queued, and a run-now of domain
 * B starts and finishes while A's runs are still stuck — instead of waiting for their timeout.
 */
@NeedsDaemons
@QuarkusTest
@TestProfile(FetchmailFairnessTest.Slots.class)
class FetchmailFairnessTest {
  static final int STUCK_ACCOUNTS = 4;
  static final String PASSWORD = "Correct-Horse-Battery-9";

  public static class Slots implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "mailplane.fetchmail.max-concurrent-runs",
          "4",
          // Long enough that a run waiting for a stuck one would plainly miss the bound below.
          "mailplane.fetchmail.timeout",
          "120s");
    }
  }

  static Map<String, Object> body(String mailbox, int port) {
    Map<String, Object> body =
        FetchmailApi.plainImap(mailbox, "127.0.0.1", port, "remote", PASSWORD);
    body.put("enabled", false);
    return body;
  }

  @Test
  void aDomainAtItsBoundLeavesSlotsForOthers() throws Exception {
    String a = createDomain();
    String b = createDomain();
    createMailbox("local@" + a, PASSWORD);
    createMailbox("local@" + b, PASSWORD);
    List<Long> ids = new ArrayList<>();
    List<Socket> held = Collections.synchronizedList(new ArrayList<>());
    try (ServerSocket tarpit = new ServerSocket(0)) {
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    held.add(tarpit.accept());
                  }
                } catch (Exception closed) {
                  // the test is over
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      Map<Long, Long> stuck = new HashMap<>();
      for (int i = 0; i < STUCK_ACCOUNTS; i++) {
        long id = FetchmailApi.create(body("local@" + a, tarpit.getLocalPort()));
        ids.add(id);
        stuck.put(id, FetchmailApi.runNow(id));
      }
      // Two of A's runs reach the tarpit; the other two stay queued.
      Instant deadline = Instant.now().plusSeconds(30);
      while (held.size() < 2 && Instant.now().isBefore(deadline)) {
        Thread.sleep(200);
      }
      assertEquals(2, held.size(), "A's runs connected");
      Thread.sleep(3000);
      assertEquals(2, statuses(stuck).get("running"), "A's runs: " + statuses(stuck));
      assertEquals(2, held.size(), "more of A's runs connected than its bound");

      int closed;
      try (ServerSocket s = new ServerSocket(0)) {
        closed = s.getLocalPort();
      }
      long other = FetchmailApi.create(body("local@" + b, closed));
      ids.add(other);
      long otherRun = FetchmailApi.runNow(other);
      JsonPath finished = FetchmailApi.awaitFinished(other, otherRun, Duration.ofSeconds(40));
      assertEquals("connect_failed", finished.getString("outcome"), finished.getString("log"));

      // B ran while A's runs were still stuck, and A never had more than two running.
      Map<String, Integer> now = statuses(stuck);
      assertEquals(0, now.getOrDefault("finished", 0), "A's runs: " + now);
      assertEquals(2, now.get("running"), "A's runs: " + now);
      assertEquals(2, held.size(), "more of A's runs connected than its bound");
    } finally {
      synchronized (held) {
        for (Socket socket : held) {
          socket.close();
        }
      }
      for (Long id : ids) {
        admin().delete("/api/v1/fetchmail-accounts/" + id);
      }
    }
  }

  private static Map<String, Integer> statuses(Map<Long, Long> runs) {
    Map<String, Integer> counts = new HashMap<>();
    runs.forEach(
        (id, run) -> counts.merge(FetchmailApi.run(id, run).getString("status"), 1, Integer::sum));
    assertTrue(counts.values().stream().mapToInt(Integer::intValue).sum() == runs.size());
    return counts;
  }
}
