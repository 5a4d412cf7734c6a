// Postfix lookup benchmark: mailplane's index-backed query files (deploy/mta/sql/*.query) against
// the seed's CONCAT queries (src/test/resources/seed/*.query, run against the compatibility
// views), with mailboxes AND aliases seeded straight into a *_bench database (Seed.java), on
// MariaDB (mysql: maps) or PostgreSQL (pgsql: maps), as the JDBC URL says.
//
// Per size and per map it measures
//   - the query alone: the exact query text with Postfix's substitutions (%s, %u, %d, %%),
//     sent as a plain text query over one JDBC connection, one at a time, like dict_mysql and
//     dict_pgsql do;
//   - postmap end to end: `postmap -c <postfix dir> -q KEY <driver>:<map>.cf` per key (process
//     spawn + connect + query: what a Postfix daemon does not pay per lookup, but what proves the
//     real client gives the same answers);
// and EXPLAINs every mailplane query for one key of each kind (index-backed or not).
// Every loop is bounded by a sample count and a time budget. Only 127.0.0.1, only *_bench.
//
// Run through bench/lookups.sh. Options: see parse().

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

public class Lookups {
  static final List<String> MAPS = List.of("virtual-mailbox-domains", "virtual-mailbox-maps",
      "virtual-alias-maps", "email2email", "email-submission", "recipient-access");

  static String jdbcUrl = "jdbc:mariadb://127.0.0.1:3306/" + Seed.DB;
  static String dbUser = "mailplane";
  static String dbPassword = "mailplane";
  static String postfixDir = "/var/tmp/mailplane-mail/postfix";
  static Path mailplaneQueries = Path.of("deploy/mta/sql");
  static Path seedQueries = Path.of("src/test/resources/seed");
  /** Absolute: postmap takes a relative mysql:name as a main.cf parameter prefix. */
  static Path out = Path.of("target/bench/lookups").toAbsolutePath();
  static List<int[]> sizes = new ArrayList<>();
  static boolean postmap = true;
  static boolean seedData = true;
  /** The engine, from the JDBC URL: Postfix's pgsql driver and PostgreSQL's EXPLAIN. */
  static boolean postgresql;

  /** Budgets: {samples, seconds} per map. */
  static Budget mpJdbc = new Budget(20000, 15);
  static Budget mpPostmap = new Budget(300, 20);
  static Budget seedJdbc = new Budget(2000, 60);
  static Budget seedPostmap = new Budget(200, 30);
  static int warmupSeconds = 3;

  record Budget(int samples, int seconds) {}

  record Result(String size, String variant, String map, String method, long[] nanos, int hits,
      int errors, double seconds, double diskReads, String note) {}

  static final List<Result> results = new ArrayList<>();
  static final List<String> explainLines = new ArrayList<>();
  static final List<String> problems = new ArrayList<>();
  static final Map<String, String> seedNotes = new LinkedHashMap<>();

  public static void main(String[] args) throws Exception {
    parse(args);
    if (!jdbcUrl.matches("jdbc:(mariadb|postgresql)://127\\.0\\.0\\.1:(\\d+)/\\w+_bench(\\?.*)?")) {
      throw new IllegalArgumentException("only 127.0.0.1 and a *_bench database");
    }
    postgresql = jdbcUrl.startsWith("jdbc:postgresql:");
    Map<String, String> mp = readQueries(mailplaneQueries, true);
    Map<String, String> seed = readQueries(seedQueries, false);
    Files.createDirectories(out);
    Path mpDir = writeMaps(out.resolve("mailplane"), mp);
    Path seedDir = writeMaps(out.resolve("seed"), seed);
    Path floorDir = writeMaps(out.resolve("floor"),
        Map.of("floor", "SELECT 1" + (postgresql ? "" : " FROM DUAL") + " WHERE '%s' = ''"));

    for (int[] size : sizes) {
      Seed.Spec spec = Seed.Spec.of(size[0], size[1], size[2]);
      String label = label(spec.mailboxes());
      try (Connection c = DriverManager.getConnection(jdbcUrl, dbUser, dbPassword)) {
        checkSchema(c);
        Seed.benchDatabase(c);
        if (seedData) {
          long t0 = System.nanoTime();
          Seed.Counts n = Seed.seed(c, spec);
          double s = (System.nanoTime() - t0) / 1e9;
          String note = String.format("%d domains, %d mailboxes (1 in %d send-only), %d aliases "
                  + "(%d catch-alls) with %d destinations, %d alias domains; seeded in %.1f s",
              spec.domains(), n.mailboxes(), spec.sendOnlyEvery(), n.aliases(),
              (spec.domains() + spec.catchAllEvery() - 1) / spec.catchAllEvery(), n.destinations(),
              n.aliasDomains(), s);
          seedNotes.put(label, note);
          System.err.printf("[%s] %s%n", label, note);
        }
        Keys keys = new Keys(spec, 20000, 42);
        for (String map : MAPS) {
          explain(c, label, "mailplane", map, mp.get(map), keys);
        }
        for (String map : MAPS) {
          explain(c, label, "seed", map, seed.get(map), keys);
        }
        for (String map : MAPS) {
          List<String> k = keys.forMap(map);
          jdbc(c, label, "mailplane", map, mp.get(map), k, mpJdbc, null, null);
        }
        for (String map : MAPS) {
          List<String> k = keys.forMap(map);
          jdbc(c, label, "seed", map, seed.get(map), k, seedJdbc, mp.get(map), map);
        }
        if (postmap) {
          postmapRun(c, label, "floor", "floor", floorDir, keys.forMap("email2email"),
              mpPostmap, null);
          for (String map : MAPS) {
            postmapRun(c, label, "mailplane", map, mpDir, keys.forMap(map), mpPostmap,
                mp.get(map));
          }
          for (String map : MAPS) {
            postmapRun(c, label, "seed", map, seedDir, keys.forMap(map), seedPostmap, null);
          }
        }
      }
    }
    report();
  }

  static String label(long n) {
    return n >= 1_000_000 && n % 1_000_000 == 0 ? (n / 1_000_000) + "M"
        : n >= 1000 && n % 1000 == 0 ? (n / 1000) + "k" : String.valueOf(n);
  }

  static void parse(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--jdbc" -> jdbcUrl = v;
        case "--db-user" -> dbUser = v;
        case "--db-password" -> dbPassword = v;
        case "--postfix-dir" -> postfixDir = v;
        case "--out" -> out = Path.of(v).toAbsolutePath();
        case "--no-postmap" -> {
          postmap = false;
          i--;
        }
        case "--no-seed" -> {
          seedData = false;
          i--;
        }
        case "--mailplane-jdbc" -> mpJdbc = budget(v);
        case "--mailplane-postmap" -> mpPostmap = budget(v);
        case "--seed-jdbc" -> seedJdbc = budget(v);
        case "--seed-postmap" -> seedPostmap = budget(v);
        case "--warmup" -> warmupSeconds = Integer.parseInt(v);
        case "--sizes" -> {
          // DOMAINSxMAILBOXES[xALIASES] per domain; aliases default to the mailbox count.
          for (String s : v.split(",")) {
            String[] p = s.split("x");
            int d = Integer.parseInt(p[0]);
            int m = Integer.parseInt(p[1]);
            sizes.add(new int[] {d, m, p.length > 2 ? Integer.parseInt(p[2]) : m});
          }
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
      i++;
    }
    if (sizes.isEmpty()) {
      sizes.add(new int[] {10, 100, 100});
      sizes.add(new int[] {1000, 1000, 1000});
    }
    for (Budget b : List.of(mpJdbc, mpPostmap, seedJdbc, seedPostmap)) {
      if (b.seconds() > 180) throw new IllegalArgumentException("keep a map's phase <= 180 s");
    }
  }

  /** SAMPLES/SECONDS, e.g. 50/180. */
  static Budget budget(String v) {
    String[] p = v.split("/");
    return new Budget(Integer.parseInt(p[0]), Integer.parseInt(p[1]));
  }

  static void checkSchema(Connection c) throws Exception {
    try (Statement s = c.createStatement()) {
      for (String t : List.of("domain", "alias_domain", "mailbox", "alias", "alias_destination",
          "mail_domains", "mail_users", "mail_aliases")) {
        s.executeQuery("SELECT 1 FROM " + t + " LIMIT 0").close();
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("mailplane_bench has no schema (" + e.getMessage()
          + "): let the app migrate it once, e.g. `BENCH_SIZES=10x100 BENCH_ONLY=none "
          + "bench/run.sh`", e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Query files
  // ---------------------------------------------------------------------------------------------

  /** map -> the SQL text (without "query = "). */
  static Map<String, String> readQueries(Path dir, boolean hasPrefix) throws Exception {
    Map<String, String> q = new LinkedHashMap<>();
    for (String map : MAPS) {
      String text = Files.readString(dir.resolve(map + ".query"), StandardCharsets.UTF_8).strip();
      if (hasPrefix) {
        if (!text.startsWith("query = ")) throw new IllegalStateException(map + ": no 'query = '");
        text = text.substring("query = ".length());
      }
      if (text.contains("\n")) throw new IllegalStateException(map + ": not one line");
      q.put(map, text);
    }
    return q;
  }

  /** Postfix's map type and the seed's DB_DRIVER: mysql or pgsql. */
  static String driver() {
    return postgresql ? "pgsql" : "mysql";
  }

  /**
   * Each map as Postfix's .cf: the connection block of deploy/mta/sql/connection-$DB_DRIVER.templ
   * with DB_* filled for the bench database (what the seed's init.sh does with envsubst), then the
   * query.
   */
  static Path writeMaps(Path dir, Map<String, String> queries) throws Exception {
    Files.createDirectories(dir);
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("jdbc:\\w+://([0-9.]+):(\\d+)/(\\w+)").matcher(jdbcUrl);
    if (!m.find()) throw new IllegalStateException(jdbcUrl);
    String block = Files.readString(mailplaneQueries.resolve("connection-" + driver() + ".templ"))
        .replace("${DB_USER}", dbUser).replace("${DB_PASSWORD}", dbPassword)
        .replace("${DB_HOST}", m.group(1)).replace("${DB_PORT}", m.group(2))
        .replace("${DB_NAME}", m.group(3)).replace("${DB_TLS_VERIFY_CERT}", "no");
    if (block.contains("${")) throw new IllegalStateException("unfilled template: " + block);
    if (!block.endsWith("\n")) block += "\n";
    for (Map.Entry<String, String> e : queries.entrySet()) {
      Path f = dir.resolve(e.getKey() + ".cf");
      Files.deleteIfExists(f);
      Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(f, block + "query = " + e.getValue() + "\n");
    }
    return dir;
  }

  /**
   * The query Postfix's dict_mysql sends for {@code key}, or null when Postfix suppresses it
   * (mysql_table(5): %u with an empty local part; %d when the key has no domain part).
   */
  static String expand(String query, String key) {
    int at = key.lastIndexOf('@');
    String local = at >= 0 ? key.substring(0, at) : key;
    String domain = at >= 0 ? key.substring(at + 1) : null;
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < query.length(); i++) {
      char ch = query.charAt(i);
      if (ch != '%') {
        sb.append(ch);
        continue;
      }
      char n = query.charAt(++i);
      switch (n) {
        case '%' -> sb.append('%');
        case 's' -> sb.append(sqlQuote(key));
        case 'u' -> {
          if (at >= 0 && local.isEmpty()) return null;
          sb.append(sqlQuote(local));
        }
        case 'd' -> {
          if (domain == null || domain.isEmpty()) return null;
          sb.append(sqlQuote(domain));
        }
        default -> throw new IllegalArgumentException("unsupported %" + n + " in " + query);
      }
    }
    return sb.toString();
  }

  /** As each client escapes a key: MySQL's backslash escapes, libpq's doubled quote. */
  static String sqlQuote(String v) {
    return postgresql ? v.replace("'", "''") : v.replace("\\", "\\\\").replace("'", "\\'");
  }

  /** The answer as Postfix would print it, as a set (order-insensitive). */
  static Set<String> answer(Statement s, String sql) throws Exception {
    Set<String> values = new TreeSet<>();
    if (sql == null) return values;
    try (ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        String v = rs.getString(1);
        if (v != null) values.add(v);
      }
    }
    return values;
  }

  // ---------------------------------------------------------------------------------------------
  // Keys
  // ---------------------------------------------------------------------------------------------

  /** A fixed random mix of keys per size (the same for mailplane and the seed). */
  static final class Keys {
    final List<String> addresses = new ArrayList<>();
    final List<String> domains = new ArrayList<>();
    /** One example key per kind, for EXPLAIN. */
    final Map<String, String> examples = new LinkedHashMap<>();
    final Map<String, String> domainExamples = new LinkedHashMap<>();

    Keys(Seed.Spec spec, int n, long seed) {
      Random r = new Random(seed);
      List<Integer> catchAll = new ArrayList<>();
      List<Integer> noCatchAll = new ArrayList<>();
      for (int d = 1; d <= spec.domains(); d++) (spec.hasCatchAll(d) ? catchAll : noCatchAll).add(d);
      for (int i = 0; i < n; i++) {
        int p = r.nextInt(100);
        String kind;
        String key;
        String dn = Seed.domainName(1 + r.nextInt(spec.domains()));
        if (p < 40) {
          kind = "mailbox";
          key = Seed.localPart(1 + r.nextInt(spec.perDomain())) + "@" + dn;
        } else if (p < 60) {
          kind = "alias";
          key = Seed.aliasLocalPart(1 + r.nextInt(Math.max(1, spec.aliasesPerDomain()))) + "@" + dn;
        } else if (p < 67) {
          kind = "unknown@catch-all domain";
          key = "nobody" + r.nextInt(1000) + "@" + Seed.domainName(pick(r, catchAll));
        } else if (p < 75) {
          kind = "@domain";
          key = "@" + (r.nextBoolean() ? Seed.domainName(pick(r, catchAll)) : dn);
        } else if (p < 85) {
          kind = "alias-domain address";
          String ad = Seed.aliasDomainName(1 + r.nextInt(spec.aliasDomains()));
          key = (r.nextBoolean() ? Seed.localPart(1 + r.nextInt(spec.perDomain()))
              : Seed.aliasLocalPart(1 + r.nextInt(Math.max(1, spec.aliasesPerDomain())))) + "@" + ad;
        } else if (p < 93) {
          kind = "miss (unknown@domain)";
          key = "nobody" + r.nextInt(1000) + "@" + Seed.domainName(pick(r, noCatchAll));
        } else {
          kind = "miss (unknown domain)";
          key = "u" + r.nextInt(1000) + "@nowhere" + r.nextInt(1000) + ".example";
        }
        addresses.add(key);
        examples.putIfAbsent(kind, key);
        int q = r.nextInt(100);
        String dk;
        String dkind;
        if (q < 60) {
          dkind = "domain";
          dk = dn;
        } else if (q < 80) {
          dkind = "alias domain";
          dk = Seed.aliasDomainName(1 + r.nextInt(spec.aliasDomains()));
        } else {
          dkind = "miss";
          dk = "nowhere" + r.nextInt(1000) + ".example";
        }
        domains.add(dk);
        domainExamples.putIfAbsent(dkind, dk);
      }
    }

    static int pick(Random r, List<Integer> from) {
      return from.isEmpty() ? 1 : from.get(r.nextInt(from.size()));
    }

    List<String> forMap(String map) {
      return map.equals("virtual-mailbox-domains") ? domains : addresses;
    }

    Map<String, String> examplesFor(String map) {
      return map.equals("virtual-mailbox-domains") ? domainExamples : examples;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // EXPLAIN
  // ---------------------------------------------------------------------------------------------

  /** EXPLAINs the query for one key of each kind; flags full table/index scans. */
  static void explain(Connection c, String size, String variant, String map, String query,
      Keys keys) throws Exception {
    Set<String> accesses = new LinkedHashSet<>();
    Set<String> bad = new LinkedHashSet<>();
    try (Statement s = c.createStatement()) {
      for (Map.Entry<String, String> e : keys.examplesFor(map).entrySet()) {
        String sql = expand(query, e.getValue());
        if (sql == null) continue;
        if (postgresql) {
          explainPostgresql(s, sql, accesses, bad);
          continue;
        }
        try (ResultSet rs = s.executeQuery("EXPLAIN " + sql)) {
          ResultSetMetaData md = rs.getMetaData();
          while (rs.next()) {
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 1; i <= md.getColumnCount(); i++) row.put(md.getColumnLabel(i), rs.getString(i));
            String table = row.get("table");
            String type = row.get("type");
            String key = row.get("key");
            String extra = row.get("Extra") == null ? "" : row.get("Extra");
            if (table == null || table.startsWith("<union")) continue;
            String a = table + ":" + type + (key == null ? "" : "(" + key + ")");
            if (extra.contains("Impossible WHERE") || extra.contains("no matching row")) {
              a = "(none: " + extra.replace("noticed after reading const tables", "")
                  .strip() + ")";
            }
            accesses.add(a);
            // A materialized view (<derivedN>) read in full is flagged only through the base-table
            // scans that filled it, which EXPLAIN lists as their own rows.
            boolean derived = table.startsWith("<derived");
            if (!derived && ("ALL".equals(type) || "index".equals(type)
                || extra.contains("join buffer"))) {
              bad.add(table + ":" + type + " (" + row.get("rows") + " rows est.)");
            }
          }
        }
      }
    }
    String verdict = bad.isEmpty() ? "index-backed" : "**full scan**: " + String.join(", ", bad);
    explainLines.add(String.format("| %s | %s | %s | %s | %s |", size, variant, map,
        String.join(", ", accesses), verdict));
    if (!bad.isEmpty() && variant.equals("mailplane")) {
      problems.add(size + " mailplane " + map + ": " + verdict);
    }
    System.err.printf("[%s] EXPLAIN %s %s: %s%n", size, variant, map, verdict);
  }

  static final java.util.regex.Pattern PG_ACCESS = java.util.regex.Pattern.compile(
      "(Index Only Scan|Index Scan|Bitmap Index Scan|Seq Scan)(?: Backward)? (?:using (\\S+) )?on (\\S+)");

  /**
   * PostgreSQL's plan, node by node: which table or index each scan reads. A sequential scan counts
   * as a full scan unless its table fits in 8 pages (64 kB, e.g. 10 alias domains at 1M), where
   * reading it whole is the planner's right choice (bench/pg-explain.sh proves those use an index
   * once sequential scans are off).
   */
  static void explainPostgresql(Statement s, String sql, Set<String> accesses, Set<String> bad)
      throws Exception {
    List<String> plan = new ArrayList<>();
    try (ResultSet rs = s.executeQuery("EXPLAIN " + sql)) {
      while (rs.next()) plan.add(rs.getString(1));
    }
    for (String line : plan) {
      if (line.contains("One-Time Filter: false")) accesses.add("(none: impossible WHERE)");
      java.util.regex.Matcher m = PG_ACCESS.matcher(line);
      if (!m.find()) continue;
      String index = m.group(2) != null ? m.group(2) : m.group(1).startsWith("Bitmap") ? m.group(3) : null;
      String table = m.group(1).startsWith("Bitmap") ? "(bitmap)" : m.group(3);
      accesses.add(table + ":" + m.group(1).replace(" ", "") + (index == null ? "" : "(" + index + ")"));
      if (m.group(1).equals("Seq Scan")) {
        long pages;
        try (Statement q = s.getConnection().createStatement();
            ResultSet rs = q.executeQuery(
                "SELECT relpages FROM pg_class WHERE relname = '" + table + "'")) {
          pages = rs.next() ? rs.getLong(1) : Long.MAX_VALUE;
        }
        if (pages > 8) bad.add(table + ":Seq Scan (" + pages + " pages)");
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Measurement
  // ---------------------------------------------------------------------------------------------

  /**
   * Times the query alone: one text query at a time over one connection, all rows read. For the
   * seed's queries ({@code compareWith} != null), also checks their answer against mailplane's for
   * the same key (untimed).
   */
  static void jdbc(Connection c, String size, String variant, String map, String query,
      List<String> keys, Budget b, String compareWith, String compareMap) throws Exception {
    try (Statement s = c.createStatement()) {
      s.setQueryTimeout(Math.max(10, b.seconds()));
      // Warm-up: a few seconds for the fast queries, one query for the slow ones.
      long warmEnd = System.nanoTime() + warmupSeconds * 1_000_000_000L;
      for (int i = 0; i < 2000 && System.nanoTime() < warmEnd; i++) {
        try {
          answer(s, expand(query, keys.get(keys.size() - 1 - i)));
        } catch (java.sql.SQLException e) {
          // A query slower than the timeout (the seed's scans at 1M): measured, and counted, below.
          System.err.println("  warm-up " + map + ": " + e.getMessage());
          break;
        }
      }
      long deadline = System.nanoTime() + b.seconds() * 1_000_000_000L;
      long[] lat = new long[b.samples()];
      int n = 0;
      int hits = 0;
      int errors = 0;
      int differ = 0;
      int differAliasDomain = 0;
      List<String> diffs = new ArrayList<>();
      long reads0 = diskReads(s);
      long start = System.nanoTime();
      while (n < b.samples() && System.nanoTime() < deadline) {
        String key = keys.get(n % keys.size());
        String sql = expand(query, key);
        long t0 = System.nanoTime();
        Set<String> a;
        try {
          a = answer(s, sql);
        } catch (java.sql.SQLException e) {
          errors++;
          a = Set.of();
          System.err.println("  " + map + " " + key + ": " + e.getMessage());
        }
        lat[n++] = System.nanoTime() - t0;
        if (!a.isEmpty()) hits++;
        if (compareWith != null) {
          Set<String> ours = answer(s, expand(compareWith, key));
          if (!ours.equals(a)) {
            differ++;
            if (key.endsWith(".bench.example.net")) differAliasDomain++;
            if (diffs.size() < 3) diffs.add(key + ": seed " + a + " vs mailplane " + ours);
          }
        }
      }
      double secs = (System.nanoTime() - start) / 1e9;
      // Includes the untimed comparison queries (mailplane's, for the seed's rows).
      double reads = n == 0 ? 0 : (double) (diskReads(s) - reads0) / n;
      String note = compareWith == null ? ""
          : differ == 0 ? "same answers as mailplane's"
          : differ + " answers differ from mailplane's (" + differAliasDomain
              + " of them on alias-domain keys)";
      if (!diffs.isEmpty()) System.err.println("  differences: " + diffs);
      add(new Result(size, variant, map, "query (JDBC)", Arrays.copyOf(lat, n), hits, errors, secs,
          reads, note));
      if (differ > 0) seedNotes.put(size + " " + map + " differences", String.join("; ", diffs));
    }
  }

  /** Times `postmap -q KEY mysql:FILE.cf` end to end; checks mailplane's answers against JDBC. */
  static void postmapRun(Connection c, String size, String variant, String map, Path dir,
      List<String> keys, Budget b, String checkQuery) throws Exception {
    Path cf = dir.resolve(map + ".cf");
    for (int i = 0; i < 3; i++) postmap(cf, keys.get(keys.size() - 1 - i), b.seconds());
    long deadline = System.nanoTime() + b.seconds() * 1_000_000_000L;
    long[] lat = new long[b.samples()];
    int n = 0;
    int hits = 0;
    int errors = 0;
    int differ = 0;
    long start = System.nanoTime();
    try (Statement s = c.createStatement()) {
      while (n < b.samples() && System.nanoTime() < deadline) {
        String key = keys.get(n % keys.size());
        long t0 = System.nanoTime();
        String[] r = postmap(cf, key, Math.max(10, b.seconds()));
        lat[n++] = System.nanoTime() - t0;
        if (r == null) {
          errors++;
          continue;
        }
        Set<String> got = new TreeSet<>();
        for (String v : r[1].strip().split(",")) if (!v.isBlank()) got.add(v.strip());
        if (!got.isEmpty()) hits++;
        if (checkQuery != null && !got.equals(answer(s, expand(checkQuery, key)))) {
          differ++;
          System.err.println("  postmap vs JDBC differ for " + map + " " + key + ": " + got);
        }
      }
    }
    double secs = (System.nanoTime() - start) / 1e9;
    String note = variant.equals("floor") ? "spawn + connect + trivial query"
        : checkQuery == null ? "" : differ == 0 ? "answers = JDBC's" : differ + " differ from JDBC";
    add(new Result(size, variant, map, "postmap -q", Arrays.copyOf(lat, n), hits, errors, secs,
        -1, note));
  }

  /**
   * InnoDB's physical page reads so far (server-wide: other clients of the server count too). Per
   * query it shows whether lookups are served from the buffer pool or from disk.
   */
  static long diskReads(Statement s) throws Exception {
    if (postgresql) {
      // Blocks read from outside shared_buffers (the OS cache or disk), server-wide.
      try (ResultSet rs = s.executeQuery("SELECT sum(blks_read) FROM pg_stat_database")) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
    try (ResultSet rs = s.executeQuery("SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_reads'")) {
      return rs.next() ? rs.getLong(2) : 0;
    }
  }

  /** {exit code, stdout}, or null on a warning/fatal or a timeout. */
  static String[] postmap(Path cf, String key, int timeoutSeconds) throws Exception {
    Process p = new ProcessBuilder("postmap", "-c", postfixDir, "-q", key, driver() + ":" + cf)
        .redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return null;
    }
    if (output.contains("warning:") || output.contains("fatal:")) {
      System.err.println("  postmap " + cf.getFileName() + " " + key + ": " + output.strip());
      return null;
    }
    return new String[] {String.valueOf(p.exitValue()), output};
  }

  static void add(Result r) {
    results.add(r);
    System.err.printf("[%s] %-9s %-24s %-12s n=%-6d p50 %8s  p99 %8s  max %8s ms  hits %d  errors %d  %.1f s  disk reads/q %s %s%n",
        r.size(), r.variant(), r.map(), r.method(), r.nanos().length, ms(pct(r, 0.50)),
        ms(pct(r, 0.99)), ms(max(r)), r.hits(), r.errors(), r.seconds(), reads(r), r.note());
  }

  static String reads(Result r) {
    return r.diskReads() < 0 ? "" : String.format("%.2f", r.diskReads());
  }

  static long pct(Result r, double p) {
    long[] sorted = r.nanos().clone();
    Arrays.sort(sorted);
    if (sorted.length == 0) return 0;
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  static long max(Result r) {
    return Arrays.stream(r.nanos()).max().orElse(0);
  }

  static String ms(long nanos) {
    return nanos >= 100_000_000 ? String.format("%.0f", nanos / 1e6)
        : String.format("%.3f", nanos / 1e6);
  }

  static Result find(String size, String variant, String map, String method) {
    for (Result r : results) {
      if (r.size().equals(size) && r.variant().equals(variant) && r.map().equals(map)
          && r.method().equals(method)) {
        return r;
      }
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------
  // Report
  // ---------------------------------------------------------------------------------------------

  static void report() {
    StringBuilder sb = new StringBuilder();
    sb.append("Data per size:\n\n");
    for (Map.Entry<String, String> e : seedNotes.entrySet()) {
      sb.append("- ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
    }
    sb.append("\n| size | queries | map | method | samples | p50 ms | p99 ms | max ms | hits | "
        + "errors | s | disk reads/q | note |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Result r : results) {
      sb.append(String.format("| %s | %s | %s | %s | %d | %s | %s | %s | %d | %d | %.1f | %s | %s |%n",
          r.size(), r.variant(), r.map(), r.method(), r.nanos().length, ms(pct(r, 0.5)),
          ms(pct(r, 0.99)), ms(max(r)), r.hits(), r.errors(), r.seconds(), reads(r), r.note()));
    }
    sb.append("\nEXPLAIN (one key of each kind; table:access(key), merged over the kinds):\n\n"
        + "| size | queries | map | accesses | verdict |\n|---|---|---|---|---|\n");
    for (String l : explainLines) sb.append(l).append('\n');

    String small = label((long) sizes.get(0)[0] * sizes.get(0)[1]);
    String large = label((long) sizes.get(sizes.size() - 1)[0] * sizes.get(sizes.size() - 1)[1]);
    sb.append("\nTargets:\n\n| map | method | mailplane p99 ")
        .append(small).append(" | mailplane p99 ").append(large)
        .append(" | ratio (≤ 1.5×) | seed p50 / mailplane p50 at ").append(large)
        .append(" | seed p99 / mailplane p99 at ").append(large).append(" (≥ 100×) |\n")
        .append("|---|---|---|---|---|---|---|\n");
    for (String method : List.of("query (JDBC)", "postmap -q")) {
      for (String map : MAPS) {
        Result a = find(small, "mailplane", map, method);
        Result b = find(large, "mailplane", map, method);
        Result s = find(large, "seed", map, method);
        if (a == null || b == null) continue;
        double ratio = (double) pct(b, 0.99) / pct(a, 0.99);
        String speed50 = "";
        String speed99 = "";
        if (s != null && s.nanos().length > 0) {
          double r50 = (double) pct(s, 0.5) / pct(b, 0.5);
          double r99 = (double) pct(s, 0.99) / pct(b, 0.99);
          speed50 = String.format("%.0f×", r50);
          speed99 = String.format("%.0f× %s", r99, r99 >= 100 ? "met" : "**missed**");
        }
        sb.append(String.format("| %s | %s | %s | %s | %.2f× %s | %s | %s |%n", map, method,
            ms(pct(a, 0.99)), ms(pct(b, 0.99)), ratio, ratio <= 1.5 ? "met" : "**missed**",
            speed50, speed99));
      }
    }
    if (!problems.isEmpty()) {
      sb.append("\nNot index-backed:\n\n");
      for (String p : problems) sb.append("- ").append(p).append('\n');
    }
    System.out.print(sb);
  }
}
