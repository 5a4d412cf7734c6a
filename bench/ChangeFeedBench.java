import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the configuration revision (one counter row locked by every write transaction until it
 * commits, audit.Revisions) costs write throughput. Two parts:
 *
 * <p>1. JDBC, no app: the shape of a write transaction (insert a row, insert its audit row, commit)
 * without and with the counter step (UPDATE counter; SELECT it; audit row carries the revision),
 * at several concurrencies, on scratch tables bench_cf_* of the given database.
 *
 * <p>2. API (when --base is given): POST /api/v1/aliases at the same concurrencies against the
 * running app, which always takes the counter step: the absolute rate a client sees.
 */
public class ChangeFeedBench {
  static String jdbc;
  static int seconds = 10;

  public static void main(String[] args) throws Exception {
    String base = null;
    String token = null;
    int[] concurrencies = {1, 4, 16};
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--jdbc" -> jdbc = args[i + 1];
        case "--base" -> base = args[i + 1];
        case "--token" -> token = args[i + 1];
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException(args[i]);
      }
    }
    if (!jdbc.contains("mailplane_test3") && !jdbc.contains("mailplane_bench_cf")) {
      throw new IllegalArgumentException("refusing to create scratch tables in " + jdbc);
    }
    setUp();
    System.out.println();
    System.out.println("| part | counter step | concurrency | tx/s | p50 ms | p99 ms | errors |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (int c : concurrencies) {
      for (boolean counter : new boolean[] {false, true}) {
        row("JDBC write tx", counter ? "yes" : "no", c, run(c, () -> jdbcWrite(counter)));
      }
    }
    if (base != null) {
      String b = base;
      String t = token;
      HttpClient client = HttpClient.newHttpClient();
      List<String> domains = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        String domain = "cf" + UUID.randomUUID().toString().substring(0, 8) + ".bench.example";
        post(client, b, t, "/api/v1/domains", "{\"name\":\"" + domain + "\"}");
        domains.add(domain);
      }
      for (int c : concurrencies) {
        AtomicLong n = new AtomicLong();
        row(
            "API POST /aliases",
            "yes",
            c,
            run(
                c,
                () -> {
                  long i = n.incrementAndGet();
                  String domain = domains.get((int) (i % domains.size()));
                  post(
                      client,
                      b,
                      t,
                      "/api/v1/aliases",
                      "{\"address\":\"a"
                          + i
                          + "-"
                          + UUID.randomUUID().toString().substring(0, 6)
                          + "@"
                          + domain
                          + "\",\"destinations\":[\"x@example.org\"]}");
                }));
      }
      for (String domain : domains) {
        HttpResponse<String> r =
            client.send(
                HttpRequest.newBuilder(
                        URI.create(b + "/api/v1/domains/" + domain + "?cascade=true"))
                    .header("Authorization", "Bearer " + t)
                    .DELETE()
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 204) {
          System.err.println("cleanup " + domain + ": " + r.statusCode());
        }
      }
    }
    tearDown();
  }

  interface Op {
    void run() throws Exception;
  }

  record Result(double rate, double p50, double p99, long errors) {}

  static final ThreadLocal<Connection> CONNECTION = new ThreadLocal<>();

  static Result run(int concurrency, Op op) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    AtomicLong errors = new AtomicLong();
    List<Future<List<Long>>> futures = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      futures.add(
          pool.submit(
              () -> {
                List<Long> latencies = new ArrayList<>();
                while (System.nanoTime() < end) {
                  long start = System.nanoTime();
                  try {
                    op.run();
                    latencies.add(System.nanoTime() - start);
                  } catch (Exception e) {
                    if (errors.incrementAndGet() < 3) {
                      System.err.println(e);
                    }
                  }
                }
                Connection c = CONNECTION.get();
                if (c != null) {
                  c.close();
                  CONNECTION.remove();
                }
                return latencies;
              }));
    }
    List<Long> all = new ArrayList<>();
    for (Future<List<Long>> f : futures) {
      all.addAll(f.get());
    }
    pool.shutdown();
    Collections.sort(all);
    double p50 = all.isEmpty() ? 0 : all.get(all.size() / 2) / 1e6;
    double p99 = all.isEmpty() ? 0 : all.get((int) (all.size() * 0.99)) / 1e6;
    return new Result(all.size() / (double) seconds, p50, p99, errors.get());
  }

  static void row(String part, String counter, int c, Result r) {
    System.out.printf(
        "| %s | %s | %d | %.0f | %.2f | %.2f | %d |%n", part, counter, c, r.rate(), r.p50(),
        r.p99(), r.errors());
  }

  static Connection connection() throws Exception {
    Connection c = CONNECTION.get();
    if (c == null) {
      c = DriverManager.getConnection(jdbc, "mailplane", "mailplane");
      c.setAutoCommit(false);
      CONNECTION.set(c);
    }
    return c;
  }

  static void setUp() throws Exception {
    try (Connection c = DriverManager.getConnection(jdbc, "mailplane", "mailplane");
        Statement s = c.createStatement()) {
      tearDown(s);
      s.execute(
          "CREATE TABLE bench_cf_row (id BIGINT AUTO_INCREMENT PRIMARY KEY,"
              + " name VARCHAR(100) NOT NULL) ENGINE=InnoDB");
      s.execute(
          "CREATE TABLE bench_cf_audit (id BIGINT AUTO_INCREMENT PRIMARY KEY,"
              + " resource_key VARCHAR(100) NOT NULL, after_json TEXT, revision BIGINT NULL,"
              + " UNIQUE KEY (revision)) ENGINE=InnoDB");
      s.execute("CREATE TABLE bench_cf_counter (id TINYINT PRIMARY KEY, revision BIGINT NOT NULL)");
      s.execute("INSERT INTO bench_cf_counter VALUES (1, 0)");
    }
  }

  static void tearDown() throws Exception {
    try (Connection c = DriverManager.getConnection(jdbc, "mailplane", "mailplane");
        Statement s = c.createStatement()) {
      tearDown(s);
    }
  }

  static void tearDown(Statement s) throws Exception {
    s.execute("DROP TABLE IF EXISTS bench_cf_row, bench_cf_audit, bench_cf_counter");
  }

  static void jdbcWrite(boolean counter) throws Exception {
    Connection c = connection();
    String key = UUID.randomUUID().toString();
    try {
      try (PreparedStatement insert =
          c.prepareStatement("INSERT INTO bench_cf_row (name) VALUES (?)")) {
        insert.setString(1, key);
        insert.executeUpdate();
      }
      Long revision = null;
      if (counter) {
        try (PreparedStatement bump =
            c.prepareStatement("UPDATE bench_cf_counter SET revision = revision + 1 WHERE id = 1")) {
          bump.executeUpdate();
        }
        try (PreparedStatement read =
                c.prepareStatement("SELECT revision FROM bench_cf_counter WHERE id = 1");
            ResultSet rows = read.executeQuery()) {
          rows.next();
          revision = rows.getLong(1);
        }
      }
      try (PreparedStatement audit =
          c.prepareStatement(
              "INSERT INTO bench_cf_audit (resource_key, after_json, revision) VALUES (?, ?, ?)")) {
        audit.setString(1, key);
        audit.setString(2, "{\"address\":\"" + key + "\",\"destinations\":[\"x@example.org\"]}");
        if (revision == null) {
          audit.setNull(3, java.sql.Types.BIGINT);
        } else {
          audit.setLong(3, revision);
        }
        audit.executeUpdate();
      }
      c.commit();
    } catch (Exception e) {
      c.rollback();
      throw e;
    }
  }

  static void post(HttpClient client, String base, String token, String path, String body)
      throws Exception {
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new IllegalStateException(path + " " + r.statusCode() + " " + r.body());
    }
  }
}
