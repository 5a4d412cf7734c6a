package io.mailplane.fetchmail;

import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.createDomain;
import static io.mailplane.TestApi.createMailbox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.MailDaemons;
import io.mailplane.NeedsDaemons;
import io.mailplane.TestDatabase;
import io.quarkus.arc.Arc;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.quartz.Scheduler;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.utils.ConnectionProvider;

/**
 * Two scheduler instances against one database: the application's Quartz and a second clustered
 * Quartz member started here (its own thread pool, its own JDBC connections, its own instance id,
 * running the same job class through the application's beans). Over several intervals every due run
 * of every account is executed exactly once, runs of one account never overlap, and both members
 * execute runs.
 */
@NeedsDaemons
@QuarkusTest
@TestProfile(FetchmailClusterTest.WholeDomain.class)
class FetchmailClusterTest {
  /**
   * The six accounts share one domain. This test is about exactly-once firing across members, so
   * the per-domain bound must not defer runs: a deferred run starts 0.5–2 s late, which the slot
   * arithmetic below would read as the next due time.
   */
  public static class WholeDomain implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("mailplane.fetchmail.max-concurrent-runs-per-domain", String.valueOf(ACCOUNTS));
    }
  }

  static final String PASSWORD = "Correct-Horse-Battery-9";
  static final int ACCOUNTS = 6;
  static final int INTERVAL = 4;

  @Inject Scheduler quartz;

  /** Plain JDBC connections to the test database for the second member. */
  public static class TestConnections implements ConnectionProvider {
    @Override
    public Connection getConnection() throws SQLException {
      var config = ConfigProvider.getConfig();
      return DriverManager.getConnection(
          config.getValue("quarkus.datasource.jdbc.url", String.class),
          config.getValue("quarkus.datasource.username", String.class),
          config.getValue("quarkus.datasource.password", String.class));
    }

    @Override
    public void shutdown() {}

    @Override
    public void initialize() {}
  }

  /** A second clustered Quartz member beside the application's {@code quartz}, started. */
  static Scheduler secondMember(Scheduler quartz, String instanceId) throws Exception {
    Properties p = new Properties();
    p.put("org.quartz.scheduler.instanceName", quartz.getSchedulerName());
    p.put("org.quartz.scheduler.instanceId", instanceId);
    p.put("org.quartz.scheduler.skipUpdateCheck", "true");
    // The application's member hears of triggers it creates at once; another member only when it
    // next polls (Quartz's idle wait, 30 s by default, about this test's whole length). A short
    // wait lets the second member compete from the start, as replicas do over a longer time.
    p.put("org.quartz.scheduler.idleWaitTime", "1000");
    p.put("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
    p.put("org.quartz.threadPool.threadCount", "4");
    p.put("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
    // The delegate the app's own scheduler gets on each engine: PostgreSQL keeps job data in bytea,
    // which StdJDBCDelegate cannot read, so a second member with it never ran a job there.
    p.put(
        "org.quartz.jobStore.driverDelegateClass",
        TestDatabase.postgresql()
            ? "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate"
            : "org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
    p.put("org.quartz.jobStore.isClustered", "true");
    p.put("org.quartz.jobStore.clusterCheckinInterval", "10000");
    p.put("org.quartz.jobStore.useProperties", "true");
    p.put("org.quartz.jobStore.tablePrefix", "QRTZ_");
    p.put("org.quartz.jobStore.dataSource", "second");
    p.put("org.quartz.dataSource.second.connectionProvider.class", TestConnections.class.getName());
    // Quartz keeps one scheduler per name in a JVM-wide registry; the application's is set aside
    // while the second member (same cluster name) is built, then put back.
    SchedulerRepository registry = SchedulerRepository.getInstance();
    registry.remove(quartz.getSchedulerName());
    Scheduler second;
    try {
      second = new StdSchedulerFactory(p).getScheduler();
    } finally {
      registry.remove(quartz.getSchedulerName());
      registry.bind(quartz);
    }
    second.setJobFactory((bundle, scheduler) -> Arc.container().instance(FetchmailJob.class).get());
    second.start();
    return second;
  }

  @Test
  void everyDueRunExactlyOnceAcrossTwoInstancesAndOnBoth() throws Exception {
    String d = createDomain();
    String remote = "remote@" + d;
    createMailbox(remote, PASSWORD);
    createMailbox("local@" + d, PASSWORD);
    String secondId = "second-member-" + System.nanoTime();
    Scheduler second = secondMember(quartz, secondId);
    Map<Long, Instant> firstFire = new TreeMap<>();
    Instant end;
    try {
      for (int i = 0; i < ACCOUNTS; i++) {
        Map<String, Object> body =
            FetchmailApi.plainImap(
                "local@" + d,
                "127.0.0.1",
                MailDaemons.port("MAILPLANE_IMAP_PORT"),
                remote,
                PASSWORD);
        body.put("keep", true);
        body.put("intervalSeconds", INTERVAL);
        JsonPath created =
            admin()
                .body(body)
                .post("/api/v1/fetchmail-accounts")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
        firstFire.put(created.getLong("id"), Instant.parse(created.getString("nextRunAt")));
      }
      Thread.sleep(Duration.ofSeconds(INTERVAL * 8L).toMillis());
    } finally {
      end = Instant.now();
      firstFire.keySet().forEach(FetchmailApi::disable);
      second.shutdown(true);
    }
    Set<String> instances = new HashSet<>();
    Map<String, Integer> perInstance = new TreeMap<>();
    int total = 0;
    try {
      for (Map.Entry<Long, Instant> account : firstFire.entrySet()) {
        long id = account.getKey();
        List<Map<String, Object>> ordered = new ArrayList<>(FetchmailApi.runs(id));
        ordered.sort(
            (a, b) -> ((String) a.get("startedAt")).compareTo((String) b.get("startedAt")));
        Set<Long> slots = new HashSet<>();
        Instant previousEnd = Instant.EPOCH;
        for (Map<String, Object> run : ordered) {
          assertEquals("schedule", run.get("trigger"), run.toString());
          assertEquals("no_mail", run.get("outcome"), run.toString());
          Instant started = Instant.parse((String) run.get("startedAt"));
          Instant finished = Instant.parse((String) run.get("finishedAt"));
          assertTrue(!started.isBefore(previousEnd), "runs of account " + id + " overlap");
          previousEnd = finished;
          long slot =
              Math.round(
                  Duration.between(account.getValue(), started).toMillis() / (INTERVAL * 1000.0));
          assertTrue(slots.add(slot), "due time " + slot + " of account " + id + " ran twice");
          instances.add((String) run.get("instance"));
          perInstance.merge((String) run.get("instance"), 1, Integer::sum);
        }
        long due =
            Duration.between(account.getValue(), end.minusSeconds(2)).toMillis()
                    / (INTERVAL * 1000L)
                + 1;
        for (long slot = 0; slot < due; slot++) {
          assertTrue(
              slots.contains(slot), "due time " + slot + " of account " + id + " missed: " + slots);
        }
        total += ordered.size();
      }
    } finally {
      for (Long id : firstFire.keySet()) {
        admin().delete("/api/v1/fetchmail-accounts/" + id);
      }
    }
    System.out.println("FetchmailClusterTest: " + total + " runs, per instance " + perInstance);
    assertTrue(total >= ACCOUNTS * 6, "runs: " + total);
    assertTrue(
        perInstance.getOrDefault(secondId, 0) >= total / 20,
        "the second member ran too few: " + perInstance);
    assertTrue(
        instances.contains(quartz.getSchedulerInstanceId()),
        "the application ran none: " + perInstance);
  }
}
