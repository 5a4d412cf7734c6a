package io.mailplane.fetchmail;

import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.createDomain;
import static io.mailplane.TestApi.createMailbox;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.NeedsDaemons;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.quartz.Scheduler;

/**
 * The cluster-wide bound: two Quartz members (as in FetchmailClusterTest; they share this JVM's
 * per-instance semaphore of 4), the cluster allowed 2. Every run talks to a server that holds each
 * connection for 1.5 s, so without the gate the due runs of five accounts overlap four deep (seen
 * when the bound is raised); with it, never more than two. Runs of other tests' accounts left in
 * the shared database may hold a slot too, so only the upper bound is asserted exactly. The bound
 * across two real processes is measured by bench/fetchmail.sh.
 */
@NeedsDaemons
@QuarkusTest
@TestProfile(FetchmailClusterBoundTest.Bound.class)
class FetchmailClusterBoundTest {
  static final int ACCOUNTS = 5;
  static final int INTERVAL = 8;
  static final int BOUND = 2;

  public static class Bound implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "mailplane.fetchmail.cluster-max-concurrent-runs",
          String.valueOf(BOUND),
          "mailplane.fetchmail.max-concurrent-runs",
          "4",
          // All five accounts share one domain: its own bound must not be what limits them here.
          "mailplane.fetchmail.max-concurrent-runs-per-domain",
          "4");
    }
  }

  @Inject Scheduler quartz;

  @Test
  void neverMoreRunsAtOnceThanTheClusterBoundAcrossTwoMembers() throws Exception {
    String d = createDomain();
    createMailbox("local@" + d, FetchmailClusterTest.PASSWORD);
    List<Long> ids = new ArrayList<>();
    Map<String, Integer> perInstance = new TreeMap<>();
    List<Instant[]> runs = new ArrayList<>();
    try (ServerSocket slowServer = new ServerSocket(0)) {
      Thread acceptor = daemon(() -> holdEachConnection(slowServer));
      Scheduler second = FetchmailClusterTest.secondMember(quartz, "bound-" + System.nanoTime());
      try {
        for (int i = 0; i < ACCOUNTS; i++) {
          Map<String, Object> body =
              FetchmailApi.plainImap(
                  "local@" + d,
                  "127.0.0.1",
                  slowServer.getLocalPort(),
                  "remote" + i,
                  FetchmailClusterTest.PASSWORD);
          body.put("intervalSeconds", INTERVAL);
          ids.add(FetchmailApi.create(body));
        }
        Thread.sleep(INTERVAL * 2500L);
      } finally {
        ids.forEach(FetchmailApi::disable);
        second.shutdown(true);
        acceptor.interrupt();
      }
      for (Long id : ids) {
        for (Map<String, Object> run : FetchmailApi.runs(id)) {
          if (run.get("finishedAt") == null) {
            continue; // cut off by the disable above; it started after the measured window
          }
          runs.add(
              new Instant[] {
                Instant.parse((String) run.get("startedAt")),
                Instant.parse((String) run.get("finishedAt"))
              });
          perInstance.merge((String) run.get("instance"), 1, Integer::sum);
        }
      }
    } finally {
      for (Long id : ids) {
        admin().delete("/api/v1/fetchmail-accounts/" + id);
      }
    }
    int deepest = deepestOverlap(runs);
    System.out.println(
        "FetchmailClusterBoundTest: "
            + runs.size()
            + " runs, at most "
            + deepest
            + " at once, per instance "
            + perInstance);
    assertTrue(runs.size() >= ACCOUNTS * 2, "runs: " + runs.size());
    runs.sort((a, b) -> a[0].compareTo(b[0]));
    StringBuilder timeline = new StringBuilder();
    for (Instant[] run : runs) {
      timeline.append('\n').append(run[0]).append(" .. ").append(run[1]);
    }
    assertTrue(deepest <= BOUND, "more than " + BOUND + " runs at once:" + timeline);
  }

  /** The most intervals open at one instant; an end and a start at the same instant do not meet. */
  static int deepestOverlap(List<Instant[]> intervals) {
    TreeMap<Instant, Integer> delta = new TreeMap<>();
    for (Instant[] interval : intervals) {
      delta.merge(interval[0], 1, Integer::sum);
      delta.merge(interval[1], -1, Integer::sum);
    }
    int open = 0;
    int deepest = 0;
    for (int change : delta.values()) {
      open += change;
      deepest = Math.max(deepest, open);
    }
    return deepest;
  }

  /** Greets like an IMAP server, then says nothing for 1.5 s and hangs up: a run of ~1.5 s. */
  private static void holdEachConnection(ServerSocket server) {
    while (!server.isClosed()) {
      Socket connection;
      try {
        connection = server.accept();
      } catch (IOException closed) {
        return;
      }
      daemon(
          () -> {
            try (connection) {
              OutputStream out = connection.getOutputStream();
              out.write("* OK slow test server\r\n".getBytes(StandardCharsets.US_ASCII));
              out.flush();
              Thread.sleep(1500);
            } catch (IOException | InterruptedException ignored) {
              // the run ends either way
            }
          });
    }
  }

  private static Thread daemon(Runnable task) {
    Thread thread = new Thread(task, "slow-imap");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
