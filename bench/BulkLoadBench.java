// Bulk load through config:apply against raw SQL (docs/benchmarks.md "Bulk load through
// config:apply"): N new mailboxes and then N new aliases (one destination each: the mailbox of the
// same number) sent as config:apply documents of C entries each (prune=false, pre-hashed
// passwords), one after the other, by each app; then the same rows as multi-row INSERTs (Seed's
// 2,000 rows per statement) into the emptied database. The database is emptied and its D domains
// seeded before each load. After each API load it checks what the load left: one audit event per
// object with consecutive revisions (the change feed), and the outbox rows. Run by
// bench/bulk-load.sh.
//
//   java BulkLoadBench --db mailplane_h2_bench --app new=http://127.0.0.1:18200=100000 \
//       --app old=http://127.0.0.1:18201=5000 --token T --chunk 5000 --domains 100

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

public class BulkLoadBench {
  record App(String name, String url, int n) {}

  static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  static String token;
  static int domains = 100;
  static int chunk = 5000;

  public static void main(String[] args) throws Exception {
    String db = "mailplane_bench";
    List<App> apps = new ArrayList<>();
    String out = "target/bench/bulk/table.md";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--db" -> db = args[++i];
        case "--app" -> {
          // name=url=n
          String[] p = args[++i].split("=", 3);
          apps.add(new App(p[0], p[1], Integer.parseInt(p[2])));
        }
        case "--token" -> token = args[++i];
        case "--chunk" -> chunk = Integer.parseInt(args[++i]);
        case "--domains" -> domains = Integer.parseInt(args[++i]);
        case "--out" -> out = args[++i];
        default -> throw new IllegalArgumentException(args[i]);
      }
    }
    StringBuilder md =
        new StringBuilder(
            "| app | N mailboxes + N aliases | documents | mailboxes/s | aliases/s | objects/s"
                + " (both) | raw SQL objects/s (mailboxes / aliases) | ratio | raw SQL with the"
                + " audit rows, objects/s | ratio to that | load before/after | checks |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    Map<Integer, double[]> raw = new LinkedHashMap<>();
    try (Connection c =
        DriverManager.getConnection(
            "jdbc:mariadb://127.0.0.1:3306/" + db, "mailplane", "mailplane")) {
      for (App app : apps) {
        String loadBefore = load();
        empty(c);
        int n = app.n();
        double mailboxSeconds = load(app, n, true);
        double aliasSeconds = load(app, n, false);
        String checks = check(c, n);
        String loadAfter = load();
        double[] rawSeconds = raw.get(n);
        if (rawSeconds == null) {
          empty(c);
          rawSeconds = raw(c, n);
          raw.put(n, rawSeconds);
          System.err.printf(
              Locale.ROOT,
              "raw SQL, %d + %d: %.1f s + %.1f s, their %d audit rows %.1f s%n",
              n,
              n,
              rawSeconds[0],
              rawSeconds[1],
              2 * n,
              rawSeconds[2]);
        }
        double api = 2.0 * n / (mailboxSeconds + aliasSeconds);
        double rawRate = 2.0 * n / (rawSeconds[0] + rawSeconds[1]);
        double auditedRate = 2.0 * n / (rawSeconds[0] + rawSeconds[1] + rawSeconds[2]);
        md.append(
            String.format(
                Locale.ROOT,
                "| %s | %,d + %,d | %d × %,d entries | %,.0f | %,.0f | %,.0f | %,.0f (%,.0f / %,.0f)"
                    + " | **%.2f×** | %,.0f | %.2f× | %s / %s | %s |%n",
                app.name(),
                n,
                n,
                2 * ((n + chunk - 1) / chunk),
                Math.min(chunk, n),
                n / mailboxSeconds,
                n / aliasSeconds,
                api,
                rawRate,
                n / rawSeconds[0],
                n / rawSeconds[1],
                api / rawRate,
                auditedRate,
                api / auditedRate,
                loadBefore,
                loadAfter,
                checks));
        System.err.print(md);
      }
    }
    Files.createDirectories(Path.of(out).getParent());
    Files.writeString(Path.of(out), md.toString());
    System.out.println(md);
  }

  /** Empties the data tables, the audit log and the outbox, and seeds the domains only. */
  static void empty(Connection c) throws Exception {
    Seed.seed(c, Seed.Spec.mailboxesOnly(domains, 0));
    try (Statement s = c.createStatement()) {
      s.execute("TRUNCATE TABLE outbox_event");
    }
  }

  static String address(String prefix, int i, int n) {
    // Consecutive numbers share a domain, as a migration's export by domain would send them.
    int perDomain = (n + domains - 1) / domains;
    return String.format(Locale.ROOT, "%s%07d@%s", prefix, i, Seed.domainName(1 + i / perDomain));
  }

  /** Seconds to apply n mailboxes (or aliases) as documents of `chunk` entries. */
  static double load(App app, int n, boolean mailboxes) throws Exception {
    long started = System.nanoTime();
    for (int from = 0; from < n; from += chunk) {
      int to = Math.min(n, from + chunk);
      StringBuilder doc =
          new StringBuilder((to - from) * 140).append(mailboxes ? "{\"mailboxes\":[" : "{\"aliases\":[");
      for (int i = from; i < to; i++) {
        doc.append(i == from ? "" : ",");
        if (mailboxes) {
          doc.append("{\"address\":\"")
              .append(address("u", i, n))
              .append("\",\"passwordHash\":\"")
              .append(Seed.HASH)
              .append("\",\"displayName\":\"User ")
              .append(i)
              .append("\",\"quotaMb\":1024}");
        } else {
          doc.append("{\"address\":\"")
              .append(address("a", i, n))
              .append("\",\"destinations\":[\"")
              .append(address("u", i, n))
              .append("\"]}");
        }
      }
      doc.append("]}");
      long t = System.nanoTime();
      HttpResponse<String> r = post(app, "config:apply?prune=false", doc.toString());
      if (r.statusCode() != 200) {
        String body = r.body();
        throw new IllegalStateException(
            app.name()
                + ": document "
                + from
                + ".."
                + to
                + " answered "
                + r.statusCode()
                + ": "
                + body.substring(0, Math.min(300, body.length())));
      }
      if (from == 0 || to == n || (from / chunk) % 20 == 0) {
        System.err.printf(
            Locale.ROOT,
            "%s %s %d..%d: %.2f s (load %s)%n",
            app.name(),
            mailboxes ? "mailboxes" : "aliases",
            from,
            to,
            (System.nanoTime() - t) / 1e9,
            load());
      }
    }
    return (System.nanoTime() - started) / 1e9;
  }

  /** What the load left: rows, audit events, revisions without gaps, outbox rows by kind. */
  static String check(Connection c, int n) throws Exception {
    try (Statement s = c.createStatement()) {
      long mailboxes = one(s, "SELECT COUNT(*) FROM mailbox");
      long aliases = one(s, "SELECT COUNT(*) FROM alias");
      long events = one(s, "SELECT COUNT(*) FROM audit_event WHERE revision IS NOT NULL");
      long span =
          one(
              s,
              "SELECT COALESCE(MAX(revision) - MIN(revision) + 1, 0) FROM audit_event"
                  + " WHERE revision IS NOT NULL");
      StringBuilder outbox = new StringBuilder();
      try (ResultSet rows =
          s.executeQuery("SELECT kind, COUNT(*) FROM outbox_event GROUP BY kind ORDER BY kind")) {
        while (rows.next()) {
          outbox.append(outbox.isEmpty() ? "" : ", ").append(rows.getString(1)).append(' ')
              .append(String.format(Locale.ROOT, "%,d", rows.getLong(2)));
        }
      }
      if (mailboxes != n || aliases != n || events != 2L * n || span != events) {
        throw new IllegalStateException(
            String.format(
                "expected %d mailboxes and aliases, %d consecutive events; found %d, %d, %d over"
                    + " %d revisions",
                n, 2 * n, mailboxes, aliases, events, span));
      }
      return String.format(
          Locale.ROOT,
          "%,d audit events, revisions consecutive; outbox: %s",
          events,
          outbox.isEmpty() ? "none" : outbox);
    }
  }

  static long one(Statement s, String sql) throws Exception {
    try (ResultSet rows = s.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /** Seconds to insert the same mailboxes, then the same aliases and destinations, raw. */
  static double[] raw(Connection c, int n) throws Exception {
    try (Statement s = c.createStatement()) {
      // Seed turns them off for its seeding; the app's inserts have them.
      s.execute("SET SESSION foreign_key_checks = 1");
      s.execute("SET SESSION unique_checks = 1");
      int perDomain = (n + domains - 1) / domains;
      long t0 = System.nanoTime();
      Seed.Rows mailboxes =
          new Seed.Rows(
              s,
              "INSERT INTO mailbox (domain_id, local_part, address, display_name, password_hash,"
                  + " quota_mb, enabled, send_only, admin, domain_admin, version, created_at,"
                  + " updated_at) VALUES ");
      for (int i = 0; i < n; i++) {
        String address = address("u", i, n);
        mailboxes.add(
            "("
                + (1 + i / perDomain)
                + ",'"
                + address.substring(0, address.indexOf('@'))
                + "','"
                + address
                + "','User "
                + i
                + "','"
                + Seed.HASH
                + "',1024,TRUE,FALSE,FALSE,FALSE,0,"
                + Seed.NOW
                + ","
                + Seed.NOW
                + ")");
      }
      mailboxes.flush();
      long t1 = System.nanoTime();
      Seed.Rows aliases =
          new Seed.Rows(
              s,
              "INSERT INTO alias (id, domain_id, local_part, address, description, enabled,"
                  + " version, created_at, updated_at) VALUES ");
      Seed.Rows destinations =
          new Seed.Rows(
              s,
              "INSERT INTO alias_destination (alias_id, position, destination) VALUES ",
              aliases);
      for (int i = 0; i < n; i++) {
        String address = address("a", i, n);
        aliases.add(
            "("
                + (i + 1)
                + ","
                + (1 + i / perDomain)
                + ",'"
                + address.substring(0, address.indexOf('@'))
                + "','"
                + address
                + "',NULL,TRUE,0,"
                + Seed.NOW
                + ","
                + Seed.NOW
                + ")");
        destinations.add("(" + (i + 1) + ",0,'" + address("u", i, n) + "')");
      }
      aliases.flush();
      destinations.flush();
      long t2 = System.nanoTime();
      // What the API writes besides: one audit event per object, numbered (the change feed),
      // with its after-state JSON as the app writes it (about this size).
      Seed.Rows audit = new Seed.Rows(s, Seed.AUDIT_INSERT);
      long revision = one(s, "SELECT COALESCE(MAX(revision), 0) FROM audit_event");
      for (int i = 0; i < 2 * n; i++) {
        boolean mailbox = i < n;
        String address = address(mailbox ? "u" : "a", i % n, n);
        String after =
            mailbox
                ? Seed.mailboxAfterJson(address, "User " + i)
                : "{\"address\":\"" + address + "\",\"destinations\":[\"" + address("u", i % n, n)
                    + "\"],\"enabled\":true,\"description\":null,\"domain\":\""
                    + address.substring(address.indexOf('@') + 1)
                    + "\",\"catchAll\":false,\"version\":0,"
                    + "\"createdAt\":\"2026-01-01T00:00:00Z\",\"updatedAt\":\"2026-01-01T00:00:00Z\"}";
        audit.add(Seed.auditRow(mailbox ? "mailbox" : "alias", address, after, revision + 1 + i));
      }
      audit.flush();
      long t3 = System.nanoTime();
      return new double[] {(t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9};
    }
  }

  static HttpResponse<String> post(App app, String action, String doc) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(app.url() + "/api/v1/" + action))
            .timeout(Duration.ofMinutes(15))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(doc.getBytes(StandardCharsets.UTF_8)))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  static String load() throws Exception {
    return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
  }
}
