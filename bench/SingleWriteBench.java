import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Single-object writes (docs/benchmarks.md "Single-object writes"): pre-hashed {@code POST
 * /api/v1/mailboxes} through one or more running apps, and raw JDBC transactions of the same shape
 * (the statements the app issues for one create, read from its SQL log, at ec712f2 and today; and a
 * floor: one INSERT and its commit), at several concurrencies,
 * interleaved: every round runs each contestant at each concurrency for a few seconds, so a change
 * of the machine's load reaches all of them alike.
 *
 * <p>Seeds the *_bench database with {@code Seed.java} (16 domains x 1000 mailboxes by default);
 * worker i writes new mailboxes into domain i mod domains, so the domain row lock (which the app
 * takes per create) is not shared between workers and what serialises them is the configuration
 * revision's lock (events.Revisions) and the commit.
 */
public class SingleWriteBench {
  /** A real bcrypt hash: the app stores it as given (validated by its pattern only). */
  static final String HASH = Seed.HASH;

  static String jdbc;
  static String user = "mailplane";
  static String password = "mailplane";
  static final Map<String, String> apps = new LinkedHashMap<>();
  static String bootstrapToken;
  static int[] concurrencies = {1, 4, 16};
  static int seconds = 10;
  static int rounds = 3;
  static int warmup = 45;
  static int domains = 16;
  static int perDomain = 1000;
  static long appPid;
  static final Map<String, Long> appPids = new LinkedHashMap<>();
  static long dbPid;
  static String out;
  static Pattern only;
  static final String RUN = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);

  public static void main(String[] args) throws Exception {
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--jdbc" -> jdbc = args[i + 1];
        case "--app" -> {
          String[] kv = args[i + 1].split("=", 3);
          apps.put(kv[0], kv[1]);
          if (kv.length > 2) appPids.put(kv[0], Long.parseLong(kv[2]));
        }
        case "--token" -> bootstrapToken = args[i + 1];
        case "--concurrency" ->
            concurrencies = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
        case "--domains" -> domains = Integer.parseInt(args[i + 1]);
        case "--db-pid" -> dbPid = Long.parseLong(args[i + 1]);
        case "--out" -> out = args[i + 1];
        case "--only" -> only = Pattern.compile(args[i + 1]);
        default -> throw new IllegalArgumentException(args[i]);
      }
    }
    try (Connection c = DriverManager.getConnection(jdbc, user, password)) {
      Seed.seed(c, Seed.Spec.mailboxesOnly(domains, perDomain));
      try (Statement s = c.createStatement()) {
        s.execute("DELETE FROM outbox_event");
      }
    }
    Map<String, String> tokens = new LinkedHashMap<>();
    for (var app : apps.entrySet()) {
      tokens.put(app.getKey(), Seed.adminToken(HTTP, app.getValue(), bootstrapToken, "single-write"));
    }
    List<Contestant> contestants = new ArrayList<>();
    contestants.add(new Contestant("raw JDBC: INSERT + commit only", null, null, Shape.FLOOR));
    contestants.add(new Contestant("raw JDBC: ec712f2's statements", null, null, Shape.OLD));
    contestants.add(new Contestant("raw JDBC: today's statements", null, null, Shape.NEW));
    for (var app : apps.entrySet()) {
      contestants.add(new Contestant(
          "POST /mailboxes (" + app.getKey() + ")", app.getValue(), tokens.get(app.getKey()),
          null));
      appPids.putIfAbsent(app.getKey(), 0L);
    }
    if (only != null) contestants.removeIf(k -> !only.matcher(k.name).find());
    // Warm-up at concurrency 4, not recorded: the apps long enough for the JIT to settle (their CPU
    // per request falls by half or more over the first minute), JDBC a few seconds.
    for (Contestant k : contestants) {
      run(k, 4, k.base == null ? Math.min(warmup, 5) : warmup, new Stats());
    }
    Map<String, Stats> stats = new LinkedHashMap<>();
    for (int r = 0; r < rounds; r++) {
      for (int c : concurrencies) {
        for (Contestant k : contestants) {
          run(k, c, seconds, stats.computeIfAbsent(k.name + "\t" + c, x -> new Stats()));
        }
      }
      System.err.printf("round %d of %d done, load %s%n", r + 1, rounds, load());
    }
    StringBuilder table = new StringBuilder();
    table.append("| what | concurrency | ops/s | p50 ms | p95 ms | p99 ms | app CPU ms/op | db CPU ms/op | errors |\n");
    table.append("|---|---|---|---|---|---|---|---|---|\n");
    for (Contestant k : contestants) {
      for (int c : concurrencies) {
        Stats s = stats.get(k.name + "\t" + c);
        long[] lat = s.sorted();
        table.append(String.format("| %s | %d | %.0f | %.2f | %.2f | %.2f | %s | %s | %d |%n",
            k.name, c, s.ops.get() / s.seconds, pct(lat, 50), pct(lat, 95), pct(lat, 99),
            s.appTicks < 0 ? "–" : String.format("%.2f", s.appTicks * 10.0 / s.ops.get()),
            s.dbTicks < 0 ? "–" : String.format("%.2f", s.dbTicks * 10.0 / s.ops.get()),
            s.errors.get()));
      }
    }
    System.out.print(table);
    System.out.println();
    System.out.println("- load average after: " + load());
    if (out != null) Files.writeString(Path.of(out), table);
  }

  record Contestant(String name, String base, String token, Shape shape) {}

  /**
   * What a raw JDBC transaction does: OLD the statements of the app at ec712f2 (its SQL log), NEW
   * today's (the audit insert takes its revision from the counter row; no SELECT of it), FLOOR one
   * INSERT in autocommit mode: a round trip and the commit's log flush.
   */
  enum Shape { OLD, NEW, FLOOR }

  /** Latencies and counts of one contestant at one concurrency, over all rounds. */
  static final class Stats {
    final List<long[]> latencies = new ArrayList<>();
    final AtomicLong ops = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    double seconds;
    long appTicks;
    long dbTicks;

    synchronized void add(long[] lat, int n) {
      latencies.add(Arrays.copyOf(lat, n));
    }

    long[] sorted() {
      long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
      return all;
    }
  }

  static double pct(long[] sorted, double p) {
    if (sorted.length == 0) return Double.NaN;
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }

  static final AtomicLong SEQ = new AtomicLong();

  static void run(Contestant k, int concurrency, int secs, Stats stats) throws Exception {
    long pid = k.base == null ? -1 : appPids.getOrDefault(appName(k), 0L);
    long app0 = cpuTicks(pid);
    long db0 = cpuTicks(dbPid);
    long start = System.nanoTime();
    long deadline = start + secs * 1_000_000_000L;
    Thread[] threads = new Thread[concurrency];
    for (int t = 0; t < concurrency; t++) {
      int worker = t;
      threads[t] = new Thread(() -> {
        long[] lat = new long[1 << 16];
        int n = 0;
        String domain = Seed.domainName(1 + worker % domains);
        try (Worker w = k.base == null ? new JdbcWorker(k.shape) : new HttpWorker(k)) {
          while (System.nanoTime() < deadline) {
            String address = "w" + RUN + "x" + SEQ.incrementAndGet() + "@" + domain;
            long t0 = System.nanoTime();
            boolean ok;
            try {
              ok = w.create(address, domain);
            } catch (Exception e) {
              ok = false;
              if (stats.errors.get() < 3) System.err.println(k.name + ": " + e);
            }
            long t1 = System.nanoTime();
            if (!ok) {
              stats.errors.incrementAndGet();
              continue;
            }
            if (n == lat.length) lat = Arrays.copyOf(lat, n * 2);
            lat[n++] = t1 - t0;
            stats.ops.incrementAndGet();
          }
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
        stats.add(lat, n);
      });
      threads[t].start();
    }
    for (Thread t : threads) t.join();
    double elapsed = (System.nanoTime() - start) / 1e9;
    synchronized (stats) {
      stats.seconds += elapsed;
      long a = cpuTicks(pid);
      stats.appTicks = app0 < 0 || a < 0 || stats.appTicks < 0 ? -1 : stats.appTicks + a - app0;
      long d = cpuTicks(dbPid);
      stats.dbTicks = db0 < 0 || d < 0 || stats.dbTicks < 0 ? -1 : stats.dbTicks + d - db0;
    }
  }

  static String appName(Contestant k) {
    for (var e : apps.entrySet()) if (e.getValue().equals(k.base)) return e.getKey();
    return null;
  }

  interface Worker extends AutoCloseable {
    boolean create(String address, String domain) throws Exception;
  }

  static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  static final class HttpWorker implements Worker {
    final Contestant k;

    HttpWorker(Contestant k) {
      this.k = k;
    }

    @Override
    public boolean create(String address, String domain) throws Exception {
      HttpRequest req = HttpRequest.newBuilder(URI.create(k.base + "/api/v1/mailboxes"))
          .header("Authorization", "Bearer " + k.token)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(
              "{\"address\":\"" + address + "\",\"passwordHash\":\"" + HASH + "\"}"))
          .timeout(Duration.ofSeconds(30))
          .build();
      HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 201) {
        System.err.println(k.name + ": " + r.statusCode() + " " + r.body());
        return false;
      }
      return true;
    }

    @Override
    public void close() {}
  }

  /**
   * The app's transaction for one create, statement by statement as its SQL log shows them (on
   * MariaDB, setAutoCommit sends "set autocommit=0/1", as the app's pool does around each
   * transaction): lock the domain, check the address is free, insert the mailbox, its outbox event,
   * advance the revision, read it, insert the audit event with it, commit.
   */
  static final class JdbcWorker implements Worker {
    final Connection c;
    final PreparedStatement lockDomain;
    final PreparedStatement exists;
    final PreparedStatement insertMailbox;
    final PreparedStatement insertOutbox;
    final PreparedStatement bump;
    final PreparedStatement readRevision;
    final PreparedStatement insertAudit;
    final PreparedStatement insertAuditNumbered;
    final Shape shape;

    JdbcWorker(Shape shape) throws Exception {
      this.shape = shape;
      c = DriverManager.getConnection(jdbc, user, password);
      lockDomain = c.prepareStatement("select d1_0.id,d1_0.created_at,d1_0.default_quota_mb,"
          + "d1_0.description,d1_0.enabled,d1_0.max_aliases,d1_0.max_mailboxes,d1_0.max_quota_mb,"
          + "d1_0.name,d1_0.updated_at,d1_0.version from domain d1_0 where d1_0.name=? limit ?"
          + " for update");
      exists = c.prepareStatement("select m1_0.id,m1_0.address,m1_0.admin,m1_0.created_at,"
          + "m1_0.display_name,m1_0.domain_id,m1_0.domain_admin,m1_0.enabled,m1_0.local_part,"
          + "m1_0.password_hash,m1_0.quota_mb,m1_0.send_only,m1_0.updated_at,m1_0.version"
          + " from mailbox m1_0 where m1_0.address=? limit ?");
      insertMailbox = c.prepareStatement("insert into mailbox (address,admin,created_at,"
          + "display_name,domain_id,domain_admin,enabled,local_part,password_hash,quota_mb,"
          + "send_only,updated_at,version) values (?,?,?,?,?,?,?,?,?,?,?,?,?)",
          Statement.RETURN_GENERATED_KEYS);
      insertOutbox = c.prepareStatement(
          "insert into outbox_event (created_at,event_key,kind) values (?,?,?)",
          Statement.RETURN_GENERATED_KEYS);
      bump = c.prepareStatement("UPDATE config_revision SET revision = revision + ? WHERE id = 1");
      readRevision = c.prepareStatement("SELECT revision FROM config_revision WHERE id = 1");
      insertAudit = c.prepareStatement("INSERT INTO audit_event (occurred_at, actor, action,"
          + " resource_type, resource_key, domain, before_json, after_json, revision)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
      insertAuditNumbered = c.prepareStatement("INSERT INTO audit_event (occurred_at, actor,"
          + " action, resource_type, resource_key, domain, before_json, after_json, revision)"
          + " SELECT ?, ?, ?, ?, ?, ?, ?, ?, revision FROM config_revision WHERE id = 1");
    }

    /** One mailbox row, as the app inserts it. */
    void bindMailbox(String address, long domainId, LocalDateTime now) throws Exception {
      String localPart = address.substring(0, address.indexOf('@'));
      insertMailbox.setString(1, address);
      insertMailbox.setBoolean(2, false);
      insertMailbox.setObject(3, now);
      insertMailbox.setString(4, null);
      insertMailbox.setLong(5, domainId);
      insertMailbox.setBoolean(6, false);
      insertMailbox.setBoolean(7, true);
      insertMailbox.setString(8, localPart);
      insertMailbox.setString(9, HASH);
      insertMailbox.setLong(10, 0);
      insertMailbox.setBoolean(11, false);
      insertMailbox.setObject(12, now);
      insertMailbox.setLong(13, 0);
    }

    final Map<String, Long> domainIds = new java.util.HashMap<>();

    @Override
    public boolean create(String address, String domain) throws Exception {
      if (shape == Shape.FLOOR) {
        Long id = domainIds.get(domain);
        if (id == null) {
          try (PreparedStatement q = c.prepareStatement("SELECT id FROM domain WHERE name = ?")) {
            q.setString(1, domain);
            try (ResultSet rs = q.executeQuery()) {
              rs.next();
              id = rs.getLong(1);
            }
          }
          domainIds.put(domain, id);
        }
        bindMailbox(address, id, LocalDateTime.ofInstant(Instant.now(), ZoneOffset.UTC));
        insertMailbox.executeUpdate();
        try (ResultSet keys = insertMailbox.getGeneratedKeys()) {
          keys.next();
        }
        return true;
      }
      c.setAutoCommit(false);
      try {
        lockDomain.setString(1, domain);
        lockDomain.setInt(2, 1);
        long domainId;
        try (ResultSet rs = lockDomain.executeQuery()) {
          if (!rs.next()) throw new IllegalStateException("no domain " + domain);
          domainId = rs.getLong(1);
        }
        exists.setString(1, address);
        exists.setInt(2, 1);
        try (ResultSet rs = exists.executeQuery()) {
          if (rs.next()) throw new IllegalStateException("exists: " + address);
        }
        LocalDateTime now = LocalDateTime.ofInstant(Instant.now(), ZoneOffset.UTC);
        bindMailbox(address, domainId, now);
        insertMailbox.executeUpdate();
        try (ResultSet keys = insertMailbox.getGeneratedKeys()) {
          keys.next();
        }
        insertOutbox.setObject(1, now);
        insertOutbox.setString(2, address);
        insertOutbox.setString(3, "mailbox");
        insertOutbox.executeUpdate();
        try (ResultSet keys = insertOutbox.getGeneratedKeys()) {
          keys.next();
        }
        bump.setLong(1, 1);
        bump.executeUpdate();
        PreparedStatement audit = insertAuditNumbered;
        if (shape == Shape.OLD) {
          long revision;
          try (ResultSet rs = readRevision.executeQuery()) {
            rs.next();
            revision = rs.getLong(1);
          }
          audit = insertAudit;
          audit.setLong(9, revision);
        }
        audit.setObject(1, now);
        audit.setString(2, "bench");
        audit.setString(3, "mailbox.create");
        audit.setString(4, "mailbox");
        audit.setString(5, address);
        audit.setString(6, domain);
        audit.setString(7, null);
        audit.setString(8, afterJson(address, domain, now));
        audit.executeUpdate();
        c.commit();
        return true;
      } catch (Exception e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }

    /** The size and shape of the app's after_json for a new mailbox. */
    static String afterJson(String address, String domain, LocalDateTime now) {
      String at = now.toString() + "Z";
      return "{\"address\":\"" + address + "\",\"displayName\":null,\"quotaMb\":0,\"enabled\":true,"
          + "\"sendOnly\":false,\"admin\":false,\"domainAdmin\":false,\"domain\":\"" + domain
          + "\",\"passwordScheme\":\"BLF-CRYPT\",\"version\":0,\"createdAt\":\"" + at
          + "\",\"updatedAt\":\"" + at + "\"}";
    }

    @Override
    public void close() throws Exception {
      c.close();
    }
  }

  static long cpuTicks(long pid) {
    if (pid <= 0) return -1;
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime, in clock ticks
    } catch (Exception e) {
      return -1;
    }
  }

  static String load() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (Exception e) {
      return "?";
    }
  }
}
