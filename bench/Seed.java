// Seeds a benchmark database straight over JDBC (multi-row INSERTs), shared by every benchmark
// (compiled with each; also the admin token the API benchmarks call with): domains x mailboxes plus
// aliases, catch-alls, alias domains and send-only mailboxes, on MariaDB or PostgreSQL (the JDBC
// URL says which; the SQL is portable but for emptying and ANALYZE). Refuses any database whose
// name does not end in _bench (mailplane_bench by default); empties its data tables first.

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

final class Seed {
  /** One real bcrypt hash (of "benchmark-password", cost 10), reused for every seeded mailbox. */
  static final String HASH = "$2y$10$.OGB/.SE/ueHAeqKBO2NC.laXJY1i7w81CQQTAV65PUioHwbmjz56";

  static final String DB = "mailplane_bench";
  static final String NOW = "'2026-01-01 00:00:00.000000'";
  /** Rows per multi-row INSERT. */
  static final int BATCH = 2000;

  /**
   * A new admin token of the given name, made with the app's bootstrap token: the benchmarks call
   * the API with a database token, as automation does, not with the bootstrap one.
   */
  static String adminToken(HttpClient http, String base, String bootstrapToken, String name)
      throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/api/v1/tokens"))
        .header("Authorization", "Bearer " + bootstrapToken)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"name\":\"" + name + "\",\"scopes\":[\"admin\"]}"))
        .timeout(Duration.ofSeconds(10))
        .build();
    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new IllegalStateException("token create: " + r.statusCode() + " " + r.body());
    }
    Matcher m = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"").matcher(r.body());
    if (!m.find()) throw new IllegalStateException("no token in " + r.body());
    return m.group(1);
  }

  /**
   * What to seed. {@code aliasesPerDomain} aliases {@code a000001..} per domain with 1 destination
   * (odd numbers: a mailbox of the same domain) or 2 (even: that mailbox and an external address);
   * a catch-all {@code @domain} on every {@code catchAllEvery}-th domain (1, 1+k, ...; 0 = none);
   * {@code aliasDomains} alias domains {@code ad0001.bench.example.net} spread over the domains;
   * every {@code sendOnlyEvery}-th mailbox of a domain is send-only (0 = none).
   */
  record Spec(int domains, int perDomain, int aliasesPerDomain, int catchAllEvery,
      int aliasDomains, int sendOnlyEvery) {
    static Spec mailboxesOnly(int domains, int perDomain) {
      return new Spec(domains, perDomain, 0, 0, 0, 0);
    }

    /**
     * The layout both benchmarks use, so one seeded database serves both: as many aliases as
     * mailboxes per domain, a catch-all on every 4th domain, max(2, domains/100) alias domains,
     * every 50th mailbox send-only.
     */
    static Spec of(int domains, int perDomain, int aliasesPerDomain) {
      return new Spec(domains, perDomain, aliasesPerDomain, 4, Math.max(2, domains / 100), 50);
    }

    long mailboxes() {
      return (long) domains * perDomain;
    }

    boolean hasCatchAll(int d) {
      return catchAllEvery > 0 && (d - 1) % catchAllEvery == 0;
    }

    /** The domain an alias domain points at. */
    int aliasDomainTarget(int k) {
      return 1 + (int) ((long) (k - 1) * domains / Math.max(1, aliasDomains));
    }

    boolean sendOnly(int u) {
      return sendOnlyEvery > 0 && u % sendOnlyEvery == 0;
    }
  }

  /** Row counts of one seeding run. */
  record Counts(long mailboxes, long aliases, long destinations, long aliasDomains, long maxMailboxId) {}

  static String domainName(int d) {
    return String.format("d%04d.bench.example.org", d);
  }

  static String localPart(int u) {
    return String.format("u%06d", u);
  }

  static String aliasLocalPart(int a) {
    return String.format("a%06d", a);
  }

  static String aliasDomainName(int k) {
    return String.format("ad%04d.bench.example.net", k);
  }

  static String externalAddress(int a) {
    return String.format("ext%06d@elsewhere.example", a);
  }

  static boolean postgresql(Connection c) throws Exception {
    return c.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres");
  }

  /** The connection's database, refused unless it is a benchmark database (*_bench). */
  static String benchDatabase(Connection c) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(postgresql(c) ? "SELECT current_database()" : "SELECT DATABASE()")) {
      rs.next();
      String db = rs.getString(1);
      if (db == null || !db.endsWith("_bench")) {
        throw new IllegalStateException("connected to " + db + ", not a *_bench database");
      }
      return db;
    }
  }

  static final List<String> TABLES = List.of("domain", "mailbox", "alias", "alias_destination",
      "alias_domain");

  /** Empties the benchmark database's data tables and seeds it as {@code spec} says. */
  static Counts seed(Connection c, Spec spec) throws Exception {
    benchDatabase(c);
    boolean pg = postgresql(c);
    try (Statement s = c.createStatement()) {
      if (pg) {
        // CASCADE: whatever else refers to these rows (tokens, fetchmail accounts) goes too.
        s.execute("TRUNCATE TABLE alias_destination, alias, mailbox, alias_domain, domain, "
            + "api_token, audit_event CASCADE");
      } else {
        s.execute("SET SESSION foreign_key_checks = 0");
        s.execute("SET SESSION unique_checks = 0");
        for (String t : List.of("alias_destination", "alias", "mailbox", "alias_domain", "domain",
            "api_token", "audit_event")) {
          s.execute("TRUNCATE TABLE " + t);
        }
      }
      Rows domains = new Rows(s, "INSERT INTO domain (id, name, description, enabled, version, "
          + "created_at, updated_at) VALUES ");
      for (int d = 1; d <= spec.domains(); d++) {
        domains.add("(" + d + ",'" + domainName(d) + "',NULL,TRUE,0," + NOW + "," + NOW + ")");
      }
      domains.flush();

      // Mailboxes in (domain, local part) order with explicit ids 1..N, so that raw-JDBC lookups
      // can pick any id.
      Rows mailboxes = new Rows(s, "INSERT INTO mailbox (id, domain_id, local_part, address, "
          + "display_name, password_hash, quota_mb, enabled, send_only, version, created_at, "
          + "updated_at) VALUES ");
      long id = 0;
      for (int d = 1; d <= spec.domains(); d++) {
        String dn = domainName(d);
        for (int u = 1; u <= spec.perDomain(); u++) {
          id++;
          String lp = localPart(u);
          mailboxes.add("(" + id + "," + d + ",'" + lp + "','" + lp + "@" + dn + "','User " + u
              + "','" + HASH + "',1024,TRUE," + spec.sendOnly(u) + ",0," + NOW + "," + NOW
              + ")");
        }
      }
      mailboxes.flush();
      long maxMailboxId = id;

      Rows aliases = new Rows(s, "INSERT INTO alias (id, domain_id, local_part, address, "
          + "description, enabled, version, created_at, updated_at) VALUES ");
      // A batch of destinations goes after the aliases it refers to: PostgreSQL checks the
      // foreign key per statement (MariaDB's are off for the seeding).
      Rows destinations = new Rows(s, "INSERT INTO alias_destination (alias_id, position, "
          + "destination) VALUES ", aliases);
      long aliasId = 0;
      for (int d = 1; d <= spec.domains(); d++) {
        String dn = domainName(d);
        if (spec.hasCatchAll(d)) {
          aliasId++;
          aliases.add("(" + aliasId + "," + d + ",'','@" + dn + "',NULL,TRUE,0," + NOW + "," + NOW
              + ")");
          destinations.add("(" + aliasId + ",0,'" + localPart(1) + "@" + dn + "')");
        }
        for (int a = 1; a <= spec.aliasesPerDomain(); a++) {
          aliasId++;
          String lp = aliasLocalPart(a);
          aliases.add("(" + aliasId + "," + d + ",'" + lp + "','" + lp + "@" + dn + "',NULL,TRUE,0,"
              + NOW + "," + NOW + ")");
          String mailbox = localPart(1 + (a - 1) % Math.max(1, spec.perDomain())) + "@" + dn;
          destinations.add("(" + aliasId + ",0,'" + mailbox + "')");
          if (a % 2 == 0) {
            destinations.add("(" + aliasId + ",1,'" + externalAddress(a) + "')");
          }
        }
      }
      aliases.flush();
      destinations.flush();

      Rows aliasDomains = new Rows(s, "INSERT INTO alias_domain (id, name, target_domain_id, "
          + "description, enabled, version, created_at, updated_at) VALUES ");
      for (int k = 1; k <= spec.aliasDomains(); k++) {
        aliasDomains.add("(" + k + ",'" + aliasDomainName(k) + "'," + spec.aliasDomainTarget(k)
            + ",NULL,TRUE,0," + NOW + "," + NOW + ")");
      }
      aliasDomains.flush();

      if (pg) {
        // Explicit ids: PostgreSQL's identity sequences do not move past them by themselves, and
        // the app's next insert would collide.
        for (String t : List.of("domain", "mailbox", "alias", "alias_domain")) {
          s.execute("SELECT setval(pg_get_serial_sequence('" + t + "', 'id'), "
              + "GREATEST(1, (SELECT MAX(id) FROM " + t + ")))");
        }
        s.execute("ANALYZE " + String.join(", ", TABLES));
      } else {
        s.execute("ANALYZE TABLE " + String.join(", ", TABLES));
      }
      return new Counts(maxMailboxId, aliasId, destinations.count, spec.aliasDomains(),
          maxMailboxId);
    }
  }

  /** Collects VALUES tuples and sends them as multi-row INSERTs of up to BATCH rows. */
  /** The audit_event INSERT of raw comparisons: what the API writes besides each object's row. */
  static final String AUDIT_INSERT =
      "INSERT INTO audit_event (occurred_at, actor, action, resource_type, resource_key, domain,"
          + " before_json, after_json, revision) VALUES ";

  /**
   * One numbered create event of the change feed as the API writes it for each new object
   * (resource "mailbox" or "alias"), with its after-state JSON.
   */
  static String auditRow(String resource, String address, String afterJson, long revision) {
    return "(" + NOW + ",'bootstrap','" + resource + ".create','" + resource + "','" + address
        + "','" + address.substring(address.indexOf('@') + 1) + "',NULL,'" + afterJson + "',"
        + revision + ")";
  }

  /** A new pre-hashed mailbox's after-state JSON as the API records it (about its size). */
  static String mailboxAfterJson(String address, String displayName) {
    return "{\"address\":\"" + address + "\",\"displayName\":\"" + displayName
        + "\",\"quotaMb\":1024,\"enabled\":true,\"sendOnly\":false,\"admin\":false,"
        + "\"domainAdmin\":false,\"domain\":\"" + address.substring(address.indexOf('@') + 1)
        + "\",\"passwordScheme\":\"BLF-CRYPT\",\"version\":0,"
        + "\"createdAt\":\"2026-01-01T00:00:00Z\",\"updatedAt\":\"2026-01-01T00:00:00Z\"}";
  }

  static final class Rows {
    final Statement s;
    final String head;
    final StringBuilder sql = new StringBuilder();
    int inBatch;
    long count;

    /** Flushed before each of this one's batches (the rows this one's refer to), or null. */
    final Rows referenced;

    Rows(Statement s, String head) {
      this(s, head, null);
    }

    Rows(Statement s, String head, Rows referenced) {
      this.s = s;
      this.head = head;
      this.referenced = referenced;
    }

    void add(String tuple) throws Exception {
      sql.append(inBatch == 0 ? head : ",").append(tuple);
      count++;
      if (++inBatch == BATCH) flush();
    }

    void flush() throws Exception {
      if (referenced != null && inBatch > 0) referenced.flush();
      if (inBatch > 0) s.execute(sql.toString());
      sql.setLength(0);
      inBatch = 0;
    }
  }

  private Seed() {}
}
