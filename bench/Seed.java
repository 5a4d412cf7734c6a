// Seeds the database mailplane_bench straight over JDBC (multi-row INSERTs), shared by the
// foundation benchmark (Bench.java: domains x mailboxes) and the Postfix lookup benchmark
// (Lookups.java: the same plus aliases, catch-alls, alias domains and send-only mailboxes).
// Refuses any database other than mailplane_bench; empties its data tables first.

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

final class Seed {
  /** One real bcrypt hash (of "benchmark-password", cost 10), reused for every seeded mailbox. */
  static final String HASH = "$2y$10$.OGB/.SE/ueHAeqKBO2NC.laXJY1i7w81CQQTAV65PUioHwbmjz56";

  /** The benchmark database (-Dbench.db); only a name ending in "_bench" is ever emptied. */
  static final String DB = System.getProperty("bench.db", "mailplane_bench");
  static final String NOW = "'2026-01-01 00:00:00.000000'";
  /** Rows per multi-row INSERT. */
  static final int BATCH = 2000;

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

  /** Empties mailplane_bench's data tables and seeds it as {@code spec} says. */
  static Counts seed(Connection c, Spec spec) throws Exception {
    try (Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT DATABASE()")) {
        rs.next();
        if (!DB.endsWith("_bench") || !DB.equals(rs.getString(1))) {
          throw new IllegalStateException("connected to " + rs.getString(1) + ", not " + DB);
        }
      }
      s.execute("SET SESSION foreign_key_checks = 0");
      s.execute("SET SESSION unique_checks = 0");
      for (String t : List.of("alias_destination", "alias", "mailbox", "alias_domain", "domain",
          "api_token", "audit_event")) {
        s.execute("TRUNCATE TABLE " + DB + "." + t);
      }
      Rows domains = new Rows(s, "INSERT INTO domain (id, name, description, enabled, version, "
          + "created_at, updated_at) VALUES ");
      for (int d = 1; d <= spec.domains(); d++) {
        domains.add("(" + d + ",'" + domainName(d) + "',NULL,1,0," + NOW + "," + NOW + ")");
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
              + "','" + HASH + "',1024,1," + (spec.sendOnly(u) ? 1 : 0) + ",0," + NOW + "," + NOW
              + ")");
        }
      }
      mailboxes.flush();
      long maxMailboxId = id;

      Rows aliases = new Rows(s, "INSERT INTO alias (id, domain_id, local_part, address, "
          + "description, enabled, version, created_at, updated_at) VALUES ");
      Rows destinations = new Rows(s, "INSERT INTO alias_destination (alias_id, position, "
          + "destination) VALUES ");
      long aliasId = 0;
      for (int d = 1; d <= spec.domains(); d++) {
        String dn = domainName(d);
        if (spec.hasCatchAll(d)) {
          aliasId++;
          aliases.add("(" + aliasId + "," + d + ",'','@" + dn + "',NULL,1,0," + NOW + "," + NOW
              + ")");
          destinations.add("(" + aliasId + ",0,'" + localPart(1) + "@" + dn + "')");
        }
        for (int a = 1; a <= spec.aliasesPerDomain(); a++) {
          aliasId++;
          String lp = aliasLocalPart(a);
          aliases.add("(" + aliasId + "," + d + ",'" + lp + "','" + lp + "@" + dn + "',NULL,1,0,"
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
            + ",NULL,1,0," + NOW + "," + NOW + ")");
      }
      aliasDomains.flush();

      s.execute("ANALYZE TABLE " + DB + ".domain, " + DB + ".mailbox, " + DB + ".alias, " + DB
          + ".alias_destination, " + DB + ".alias_domain");
      return new Counts(maxMailboxId, aliasId, destinations.count, spec.aliasDomains(),
          maxMailboxId);
    }
  }

  /** Collects VALUES tuples and sends them as multi-row INSERTs of up to BATCH rows. */
  static final class Rows {
    final Statement s;
    final String head;
    final StringBuilder sql = new StringBuilder();
    int inBatch;
    long count;

    Rows(Statement s, String head) {
      this.s = s;
      this.head = head;
    }

    void add(String tuple) throws Exception {
      sql.append(inBatch == 0 ? head : ",").append(tuple);
      count++;
      if (++inBatch == BATCH) flush();
    }

    void flush() throws Exception {
      if (inBatch > 0) s.execute(sql.toString());
      sql.setLength(0);
      inBatch = 0;
    }
  }

  private Seed() {}
}
