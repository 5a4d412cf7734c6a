// mailplane foundation benchmark: seeds mailboxes straight into the database (MariaDB or
// PostgreSQL, as the JDBC URL says), then measures the API next to raw JDBC on the same database,
// in the same run, at the same concurrency.
//
// Run through bench/run.sh (builds the jar, starts the app, runs this, stops the app). Directly:
//   javac -d target/bench/classes bench/*.java
//   java -cp target/bench/classes:<mariadb-java-client.jar> Bench [--sizes 10x100,1000x1000] ...
// Seeding is in Seed.java (shared with the Postfix lookup benchmark, Lookups.java).
// Options (all optional): see parse() below. Only 127.0.0.1 is ever targeted, and only a database
// whose name ends in _bench (default mailplane_bench) is written.

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class Bench {
  static final String DB = Seed.DB;
  static String jdbcUrl = "jdbc:mariadb://127.0.0.1:3306/" + DB;
  static String dbUser = "mailplane";
  static String dbPassword = "mailplane";
  static String base = "http://127.0.0.1:18080";
  static String bootstrapToken;
  static int getConcurrency = 16;
  static int listConcurrency = 4;
  static int warmupSeconds = 20;
  static int measureSeconds = 20;
  static long maxOpsPerWorker = 2_000_000;
  static String only = null;
  /** wrk binary for the GET phases (a C client costs the 2 shared cores far less than Java's). */
  static String wrk = null;
  static String wrkScript = "bench/get.lua";
  static long appPid = -1;
  static long dbPid = -1;
  static boolean seedData = true;
  static List<int[]> sizes = new ArrayList<>();
  static final List<Map<String, String>> rows = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    parse(args);
    if (bootstrapToken == null || bootstrapToken.length() < 32) {
      throw new IllegalArgumentException("--token <bootstrap token, 32+ chars> is required");
    }
    URI b = URI.create(base);
    if (!"127.0.0.1".equals(b.getHost())
        || !jdbcUrl.matches("jdbc:(mariadb|postgresql)://127\\.0\\.0\\.1:\\d+/\\w+_bench(\\?.*)?")) {
      throw new IllegalArgumentException("only 127.0.0.1 and a *_bench database may be targeted");
    }
    for (int[] size : sizes) {
      int domains = size[0];
      int perDomain = size[1];
      String label = label((long) domains * perDomain);
      long t0 = System.nanoTime();
      long maxId = seedData ? seed(domains, perDomain) : seeded(domains, perDomain);
      double seedSeconds = (System.nanoTime() - t0) / 1e9;
      System.err.printf("[%s] %s %d domains x %d mailboxes in %.1f s%n",
          label, seedData ? "seeded" : "reused", domains, perDomain, seedSeconds);
      // Tokens are created after seeding (seeding empties api_token).
      String dbToken = Seed.adminToken(HTTP, base, bootstrapToken, "bench");
      Workload w = new Workload(label, domains, perDomain, maxId);
      Map<String, String> seedRow = new LinkedHashMap<>();
      seedRow.put("size", label);
      seedRow.put("phase", (seedData ? "seed (" : "reused seed (") + domains + " domains x "
          + perDomain + ")");
      seedRow.put("conc", "1");
      seedRow.put("ops/s", String.format("%.0f rows/s", (double) domains * perDomain / seedSeconds));
      seedRow.put("p50 ms", "");
      seedRow.put("p99 ms", "");
      seedRow.put("max ms", "");
      seedRow.put("ops", String.valueOf((long) domains * perDomain));
      seedRow.put("errors", "0");
      seedRow.put("app cpu ms/op", "");
      seedRow.put("db cpu ms/op", "");
      seedRow.put("note", String.format("%.1f s", seedSeconds));
      rows.add(seedRow);

      // Warm the server (JIT, pools) before anything is recorded.
      measure(w, "warmup", getConcurrency, warmupSeconds, false, () -> w.apiGet(bootstrapToken));
      measure(w, "warmup", listConcurrency, warmupSeconds / 2, false, () -> w.listCursor(bootstrapToken));
      measure(w, "warmup", listConcurrency, warmupSeconds / 2, false, () -> w.listDomain(bootstrapToken));

      measure(w, "JDBC: SELECT * FROM mailbox WHERE id=?", getConcurrency, measureSeconds, true,
          () -> w.jdbcById());
      measure(w, "JDBC: mailbox JOIN domain WHERE address=?", getConcurrency, measureSeconds, true,
          () -> w.jdbcByAddress());
      if (wrk != null) {
        wrk(w, "API GET /mailboxes/{address} (bootstrap token, wrk)", bootstrapToken);
        wrk(w, "API GET /mailboxes/{address} (DB token, wrk)", dbToken);
        wrk(w, "API GET /q/health/live (no DB, no auth, wrk)", null);
      }
      measure(w, "API GET /mailboxes/{address} (bootstrap token, Java client)", getConcurrency,
          measureSeconds, true, () -> w.apiGet(bootstrapToken));
      measure(w, "API GET /mailboxes/{address} (DB token, Java client)", getConcurrency,
          measureSeconds, true, () -> w.apiGet(dbToken));
      measure(w, "API GET /mailboxes/{address} (404, bootstrap)", getConcurrency, measureSeconds / 2,
          true, () -> w.apiGetMissing(bootstrapToken));
      measure(w, "API GET /q/health/live (no DB, no auth, Java client)", getConcurrency,
          measureSeconds / 2, true, () -> w.health());
      measure(w, "list ?limit=50 first page", listConcurrency, measureSeconds, true,
          () -> w.listFirst(bootstrapToken));
      measure(w, "list ?limit=50&after= (random depth, follow next)", listConcurrency,
          measureSeconds, true, () -> w.listCursor(bootstrapToken));
      measure(w, "list ?domain=&limit=50 (follow next)", listConcurrency, measureSeconds, true,
          () -> w.listDomain(bootstrapToken));
      w.close();
    }
    printReport();
  }

  static String label(long n) {
    return n >= 1_000_000 && n % 1_000_000 == 0 ? (n / 1_000_000) + "M"
        : n >= 1000 && n % 1000 == 0 ? (n / 1000) + "k" : String.valueOf(n);
  }

  static void parse(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--base" -> base = v;
        case "--jdbc" -> jdbcUrl = v;
        case "--no-seed" -> {
          seedData = false;
          i--;
        }
        case "--db-user" -> dbUser = v;
        case "--db-password" -> dbPassword = v;
        case "--token" -> bootstrapToken = v;
        case "--get-concurrency" -> getConcurrency = Integer.parseInt(v);
        case "--list-concurrency" -> listConcurrency = Integer.parseInt(v);
        case "--warmup" -> warmupSeconds = Integer.parseInt(v);
        case "--seconds" -> measureSeconds = Integer.parseInt(v);
        case "--only" -> only = v;
        case "--wrk" -> wrk = v.isEmpty() ? null : v;
        case "--app-pid" -> appPid = Long.parseLong(v);
        case "--db-pid" -> dbPid = Long.parseLong(v);
        case "--sizes" -> {
          for (String s : v.split(",")) {
            String[] p = s.split("x");
            sizes.add(new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])});
          }
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
      i++;
    }
    if (sizes.isEmpty()) {
      sizes.add(new int[] {10, 100});
      sizes.add(new int[] {1000, 1000});
    }
    if (measureSeconds > 120 || warmupSeconds > 120) {
      throw new IllegalArgumentException("keep phases under 2 minutes");
    }
  }

  static Connection connect() throws Exception {
    return DriverManager.getConnection(jdbcUrl, dbUser, dbPassword);
  }

  // ---------------------------------------------------------------------------------------------
  // Seeding
  // ---------------------------------------------------------------------------------------------

  static String domainName(int d) {
    return Seed.domainName(d);
  }

  static String localPart(int u) {
    return Seed.localPart(u);
  }

  /**
   * Empties the bench database's data tables and seeds the layout the lookup benchmark uses too
   * (aliases, catch-alls, alias domains), so either benchmark can reuse the other's rows; returns
   * the largest mailbox id.
   */
  static long seed(int domains, int perDomain) throws Exception {
    try (Connection c = connect()) {
      return Seed.seed(c, Seed.Spec.of(domains, perDomain, perDomain)).maxMailboxId();
    }
  }

  /** --no-seed: the rows an earlier run seeded at this size; refused when they differ. */
  static long seeded(int domains, int perDomain) throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*), MAX(id) FROM mailbox")) {
      Seed.benchDatabase(c);
      rs.next();
      if (rs.getLong(1) != (long) domains * perDomain) {
        throw new IllegalStateException("--no-seed: " + rs.getLong(1) + " mailboxes seeded, not "
            + (long) domains * perDomain);
      }
      return rs.getLong(2);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Operations
  // ---------------------------------------------------------------------------------------------

  static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  static final Pattern NEXT = Pattern.compile("\"next\"\\s*:\\s*\"([^\"]+)\"");

  interface Op {
    /** One operation; returns false on an unexpected answer. */
    boolean run() throws Exception;
  }

  /** Per-size state shared by the workers; JDBC connections are per worker thread. */
  static final class Workload {
    final String label;
    final int domains;
    final int perDomain;
    final long maxId;
    final ThreadLocal<Connection> conn = new ThreadLocal<>();
    final List<Connection> all = new ArrayList<>();
    // Cursor-walk state per worker thread: the next cursor and how many pages are left.
    final ThreadLocal<String[]> walk = ThreadLocal.withInitial(() -> new String[] {null, "0"});

    Workload(String label, int domains, int perDomain, long maxId) {
      this.label = label;
      this.domains = domains;
      this.perDomain = perDomain;
      this.maxId = maxId;
    }

    String randomAddress() {
      ThreadLocalRandom r = ThreadLocalRandom.current();
      return localPart(1 + r.nextInt(perDomain)) + "@" + domainName(1 + r.nextInt(domains));
    }

    Connection connection() throws Exception {
      Connection c = conn.get();
      if (c == null) {
        c = connect();
        synchronized (all) {
          all.add(c);
        }
        conn.set(c);
      }
      return c;
    }

    final ThreadLocal<PreparedStatement> byId = new ThreadLocal<>();
    final ThreadLocal<PreparedStatement> byAddress = new ThreadLocal<>();

    boolean jdbcById() throws Exception {
      PreparedStatement ps = byId.get();
      if (ps == null) {
        ps = connection().prepareStatement(
            "SELECT id, domain_id, local_part, address, display_name, password_hash, quota_mb, "
                + "enabled, send_only, version, created_at, updated_at FROM mailbox WHERE id = ?");
        byId.set(ps);
      }
      ps.setLong(1, 1 + ThreadLocalRandom.current().nextLong(maxId));
      return readRow(ps);
    }

    /** What the API's GET actually needs: the row by address plus its domain's name. */
    boolean jdbcByAddress() throws Exception {
      PreparedStatement ps = byAddress.get();
      if (ps == null) {
        ps = connection().prepareStatement(
            "SELECT m.id, m.domain_id, m.local_part, m.address, m.display_name, m.password_hash, "
                + "m.quota_mb, m.enabled, m.send_only, m.version, m.created_at, m.updated_at, "
                + "d.name FROM mailbox m JOIN domain d ON d.id = m.domain_id WHERE m.address = ?");
        byAddress.set(ps);
      }
      ps.setString(1, randomAddress());
      return readRow(ps);
    }

    static boolean readRow(PreparedStatement ps) throws Exception {
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) return false;
        int n = rs.getMetaData().getColumnCount();
        for (int i = 1; i <= n; i++) rs.getObject(i);
        return true;
      }
    }

    HttpResponse<String> get(String pathAndQuery, String token) throws Exception {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
          .timeout(Duration.ofSeconds(30)).GET();
      if (token != null) b.header("Authorization", "Bearer " + token);
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    boolean apiGet(String token) throws Exception {
      return get("/api/v1/mailboxes/" + randomAddress(), token).statusCode() == 200;
    }

    boolean apiGetMissing(String token) throws Exception {
      return get("/api/v1/mailboxes/nobody" + ThreadLocalRandom.current().nextInt(1000) + "@"
          + domainName(1 + ThreadLocalRandom.current().nextInt(domains)), token).statusCode() == 404;
    }

    boolean health() throws Exception {
      return get("/q/health/live", null).statusCode() == 200;
    }

    boolean listFirst(String token) throws Exception {
      HttpResponse<String> r = get("/api/v1/mailboxes?limit=50", token);
      return r.statusCode() == 200 && r.body().contains("\"items\"");
    }

    /**
     * Starts at a random depth (a cursor forged in the API's current "k1:<last key>" format, so
     * that pages deep in 1M rows are sampled), then follows `next` for up to 5 pages.
     */
    boolean listCursor(String token) throws Exception {
      String[] st = walk.get();
      String cursor = st[0];
      if (cursor == null || Integer.parseInt(st[1]) <= 0) {
        cursor = Base64.getUrlEncoder().withoutPadding()
            .encodeToString(("k1:" + randomAddress()).getBytes(StandardCharsets.UTF_8));
        st[1] = "6";
      }
      HttpResponse<String> r = get("/api/v1/mailboxes?limit=50&after=" + cursor, token);
      return followNext(st, r);
    }

    /** A random domain's first page, then its next pages (up to 5 more). */
    boolean listDomain(String token) throws Exception {
      String[] st = walk.get();
      String q;
      if (st[0] == null || Integer.parseInt(st[1]) <= 0) {
        q = "/api/v1/mailboxes?limit=50&domain="
            + domainName(1 + ThreadLocalRandom.current().nextInt(domains));
        st[1] = "6";
        HttpResponse<String> r = get(q, token);
        return followNextDomain(st, r, q);
      }
      HttpResponse<String> r = get(st[0], token);
      return followNextDomain(st, r, st[0]);
    }

    boolean followNext(String[] st, HttpResponse<String> r) {
      if (r.statusCode() != 200) {
        st[0] = null;
        return false;
      }
      Matcher m = NEXT.matcher(r.body());
      st[0] = m.find() ? m.group(1) : null;
      st[1] = String.valueOf(Integer.parseInt(st[1]) - 1);
      return true;
    }

    boolean followNextDomain(String[] st, HttpResponse<String> r, String q) {
      if (r.statusCode() != 200) {
        st[0] = null;
        return false;
      }
      Matcher m = NEXT.matcher(r.body());
      if (m.find()) {
        String pathOnly = q.replaceAll("&after=[^&]*", "");
        st[0] = pathOnly + "&after=" + URLEncoder.encode(m.group(1), StandardCharsets.UTF_8);
      } else {
        st[0] = null;
      }
      st[1] = String.valueOf(Integer.parseInt(st[1]) - 1);
      return true;
    }

    void close() {
      synchronized (all) {
        for (Connection c : all) {
          try {
            c.close();
          } catch (Exception ignored) {
            // closing
          }
        }
        all.clear();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Measurement
  // ---------------------------------------------------------------------------------------------

  static final long SELF = ProcessHandle.current().pid();

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

  static void measure(Workload w, String name, int concurrency, int seconds, boolean record,
      Op op) throws Exception {
    if (record && only != null && !Pattern.compile(only).matcher(name).find()) return;
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    long[][] lat = new long[concurrency][];
    long[] counts = new long[concurrency];
    AtomicLong errors = new AtomicLong();
    Thread[] threads = new Thread[concurrency];
    long app0 = cpuTicks(appPid);
    long db0 = cpuTicks(dbPid);
    long me0 = cpuTicks(SELF);
    long start = System.nanoTime();
    for (int t = 0; t < concurrency; t++) {
      final int worker = t;
      threads[t] = new Thread(() -> {
        long[] l = new long[1 << 16];
        long n = 0;
        // Bounded in time and in count.
        while (n < maxOpsPerWorker && System.nanoTime() < deadline) {
          long t0 = System.nanoTime();
          boolean ok;
          try {
            ok = op.run();
          } catch (Exception e) {
            ok = false;
          }
          long dt = System.nanoTime() - t0;
          if (!ok) errors.incrementAndGet();
          if (n == l.length) l = Arrays.copyOf(l, l.length * 2);
          l[(int) n++] = dt;
        }
        lat[worker] = Arrays.copyOf(l, (int) n);
        counts[worker] = n;
      }, "bench-" + t);
      threads[t].start();
    }
    for (Thread t : threads) t.join(seconds * 1000L + 60_000);
    double elapsed = (System.nanoTime() - start) / 1e9;
    long app1 = cpuTicks(appPid);
    long db1 = cpuTicks(dbPid);
    long me1 = cpuTicks(SELF);
    if (!record) return;
    long total = 0;
    for (long c : counts) total += c;
    long[] all = new long[(int) total];
    int pos = 0;
    for (long[] l : lat) {
      System.arraycopy(l, 0, all, pos, l.length);
      pos += l.length;
    }
    Arrays.sort(all);
    Map<String, String> row = new LinkedHashMap<>();
    row.put("size", w.label);
    row.put("phase", name);
    row.put("conc", String.valueOf(concurrency));
    row.put("ops/s", String.format("%.0f", total / elapsed));
    row.put("p50 ms", ms(pct(all, 0.50)));
    row.put("p99 ms", ms(pct(all, 0.99)));
    row.put("max ms", ms(all.length == 0 ? 0 : all[all.length - 1]));
    row.put("ops", String.valueOf(total));
    row.put("errors", String.valueOf(errors.get()));
    row.put("app cpu ms/op", app0 < 0 || total == 0 ? "" : String.format("%.2f", (app1 - app0) * 10.0 / total));
    row.put("db cpu ms/op", db0 < 0 || total == 0 ? "" : String.format("%.2f", (db1 - db0) * 10.0 / total));
    row.put("client cpu ms/op", total == 0 ? "" : String.format("%.2f", (me1 - me0) * 10.0 / total));
    row.put("note", "");
    rows.add(row);
    System.err.printf("[%s] %-52s c=%-2d %8s ops/s  p50 %7s  p99 %7s  max %7s  errors %s  app %s  db %s ms/op%n",
        w.label, name, concurrency, row.get("ops/s"), row.get("p50 ms"), row.get("p99 ms"),
        row.get("max ms"), row.get("errors"), row.get("app cpu ms/op"), row.get("db cpu ms/op"));
  }

  /** Runs wrk (1 thread, getConcurrency connections) against random mailbox addresses. */
  static void wrk(Workload w, String name, String token) throws Exception {
    if (only != null && !Pattern.compile(only).matcher(name).find()) return;
    String url = base + (token == null ? "/q/health/live" : "");
    List<String> cmd = new ArrayList<>(List.of(wrk, "-t1", "-c" + getConcurrency,
        "-d" + measureSeconds + "s", "--timeout", "10s", "--latency"));
    if (token != null) cmd.addAll(List.of("-s", wrkScript));
    cmd.add(url);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    if (token != null) {
      pb.environment().put("BENCH_TOKEN", token);
      pb.environment().put("BENCH_DOMAINS", String.valueOf(w.domains));
      pb.environment().put("BENCH_PER_DOMAIN", String.valueOf(w.perDomain));
    }
    long app0 = cpuTicks(appPid);
    long db0 = cpuTicks(dbPid);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(measureSeconds + 60L, java.util.concurrent.TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("wrk did not finish");
    }
    long app1 = cpuTicks(appPid);
    long db1 = cpuTicks(dbPid);
    long total = Long.parseLong(group(out, "(\\d+) requests in"));
    long errors = 0;
    String non2xx = groupOrNull(out, "Non-2xx or 3xx responses: (\\d+)");
    if (non2xx != null) errors += Long.parseLong(non2xx);
    Matcher se = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)").matcher(out);
    if (se.find()) {
      for (int i = 1; i <= 4; i++) errors += Long.parseLong(se.group(i));
    }
    Map<String, String> row = new LinkedHashMap<>();
    row.put("size", w.label);
    row.put("phase", name);
    row.put("conc", String.valueOf(getConcurrency));
    row.put("ops/s", String.format("%.0f", Double.parseDouble(group(out, "Requests/sec:\\s+([\\d.]+)"))));
    row.put("p50 ms", wrkMs(group(out, "\\s50%\\s+(\\S+)")));
    row.put("p99 ms", wrkMs(group(out, "\\s99%\\s+(\\S+)")));
    row.put("max ms", wrkMs(group(out, "Latency\\s+\\S+\\s+\\S+\\s+(\\S+)")));
    row.put("ops", String.valueOf(total));
    row.put("errors", String.valueOf(errors));
    row.put("app cpu ms/op", app0 < 0 || total == 0 ? "" : String.format("%.2f", (app1 - app0) * 10.0 / total));
    row.put("db cpu ms/op", db0 < 0 || total == 0 ? "" : String.format("%.2f", (db1 - db0) * 10.0 / total));
    row.put("client cpu ms/op", "");
    row.put("note", "wrk -t1");
    rows.add(row);
    System.err.printf("[%s] %-52s c=%-2d %8s ops/s  p50 %7s  p99 %7s  max %7s  errors %s  app %s  db %s ms/op%n",
        w.label, name, getConcurrency, row.get("ops/s"), row.get("p50 ms"), row.get("p99 ms"),
        row.get("max ms"), row.get("errors"), row.get("app cpu ms/op"), row.get("db cpu ms/op"));
  }

  static String group(String text, String regex) {
    String g = groupOrNull(text, regex);
    if (g == null) throw new IllegalStateException("no " + regex + " in wrk output:\n" + text);
    return g;
  }

  static String groupOrNull(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    return m.find() ? m.group(1) : null;
  }

  /** wrk prints 812.00us, 2.01ms, 1.20s. */
  static String wrkMs(String v) {
    double x;
    if (v.endsWith("us")) x = Double.parseDouble(v.substring(0, v.length() - 2)) / 1000;
    else if (v.endsWith("ms")) x = Double.parseDouble(v.substring(0, v.length() - 2));
    else if (v.endsWith("m")) x = Double.parseDouble(v.substring(0, v.length() - 1)) * 60000;
    else if (v.endsWith("s")) x = Double.parseDouble(v.substring(0, v.length() - 1)) * 1000;
    else x = Double.parseDouble(v);
    return String.format("%.2f", x);
  }

  static long pct(long[] sorted, double p) {
    if (sorted.length == 0) return 0;
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  static String ms(long nanos) {
    return String.format("%.2f", nanos / 1e6);
  }

  static Map<String, String> find(String size, String phasePrefix) {
    for (Map<String, String> r : rows) {
      if (r.get("size").equals(size) && r.get("phase").startsWith(phasePrefix)) return r;
    }
    return null;
  }

  static void printReport() {
    List<String> cols = List.of("size", "phase", "conc", "ops/s", "p50 ms", "p99 ms", "max ms",
        "ops", "errors", "app cpu ms/op", "db cpu ms/op", "client cpu ms/op", "note");
    StringBuilder sb = new StringBuilder();
    sb.append("| ").append(String.join(" | ", cols)).append(" |\n");
    sb.append("|").append("---|".repeat(cols.size())).append('\n');
    for (Map<String, String> r : rows) {
      sb.append("| ");
      for (String c : cols) sb.append(r.getOrDefault(c, "")).append(" | ");
      sb.setLength(sb.length() - 1);
      sb.append('\n');
    }
    sb.append('\n').append("Targets:\n\n");
    String small = label((long) sizes.get(0)[0] * sizes.get(0)[1]);
    String large = label((long) sizes.get(sizes.size() - 1)[0] * sizes.get(sizes.size() - 1)[1]);
    for (int[] s : sizes) {
      String l = label((long) s[0] * s[1]);
      Map<String, String> jdbc = find(l, "JDBC: SELECT * FROM mailbox WHERE id");
      for (String tok : List.of("bootstrap token, wrk", "DB token, wrk",
          "bootstrap token, Java client", "DB token, Java client")) {
        Map<String, String> api = find(l, "API GET /mailboxes/{address} (" + tok);
        if (jdbc != null && api != null) {
          double ratio = Double.parseDouble(api.get("ops/s")) / Double.parseDouble(jdbc.get("ops/s"));
          sb.append(String.format("- %s, API GET (%s) / raw JDBC PK rate = %s / %s = **%.2fx** "
                  + "(target >= 0.3x: %s)%n", l, tok, api.get("ops/s"), jdbc.get("ops/s"), ratio,
              ratio >= 0.3 ? "met" : "MISSED"));
        }
      }
    }
    if (!small.equals(large)) {
      for (String p : List.of("list ?limit=50 first page", "list ?limit=50&after=",
          "list ?domain=")) {
        Map<String, String> a = find(small, p);
        Map<String, String> b = find(large, p);
        if (a != null && b != null) {
          double ratio = Double.parseDouble(b.get("p99 ms")) / Double.parseDouble(a.get("p99 ms"));
          sb.append(String.format("- `%s` p99 %s / %s = %s / %s ms = **%.2fx** (target <= 2x: %s)%n",
              b.get("phase"), large, small, b.get("p99 ms"), a.get("p99 ms"), ratio,
              ratio <= 2 ? "met" : "MISSED"));
        }
      }
    }
    System.out.print(sb);
  }
}
