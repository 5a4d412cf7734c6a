package io.mailplane.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mailplane.NeedsDaemons;
import io.mailplane.TestApi;
import io.mailplane.mailflow.SeedLookups;
import io.mailplane.mailflow.SeedLookups.Database;
import io.mailplane.mailflow.SeedLookups.SeedDovecot;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The seed's unchanged v8.0 lookups give the same answers before and after the import: a seed
 * database built from the seed admin's own schema (odd rows included) is asked with the seed's
 * Postfix query files through real {@code postmap -q} and with its Dovecot passdb/userdb queries
 * through a real Dovecot ({@code doveadm auth test}, {@code doveadm user}) reading the seed's own
 * database (before); then it is imported, and the same files and queries are asked of mailplane's
 * database (after). Every answer must be equal, except the deliberate differences listed in {@link
 * #differences} (docs/operations.md, "What answers differ after the import").
 */
@NeedsDaemons
@QuarkusTest
class SeedBeforeAfterDaemonTest {
  static final String PASSWORD = "Seed-Before-After-1";

  @Test
  void theSeedsQueriesAnswerTheSameBeforeAndAfterTheImport() throws Exception {
    String url = ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class);
    assumeTrue(
        url.startsWith("jdbc:mariadb:") && SeedDatabase.URL.startsWith("jdbc:mariadb:"),
        "the seed's files are MySQL maps: both databases must be MariaDB");
    Database seedDb = Database.of(SeedDatabase.URL, SeedDatabase.USER, SeedDatabase.PASSWORD);
    Database ours =
        Database.of(
            url,
            ConfigProvider.getConfig().getValue("quarkus.datasource.username", String.class),
            ConfigProvider.getConfig().getValue("quarkus.datasource.password", String.class));
    // The seed stores bcrypt without a scheme prefix; cost 4 keeps the auth tests fast.
    String hash =
        SeedLookups.doveadm("/dev/null", "pw", "-s", "BLF-CRYPT", "-r", "4", "-p", PASSWORD)
            .strip()
            .replace("{BLF-CRYPT}", "");
    String d1 = TestApi.uniqueDomain();
    String d2 = TestApi.uniqueDomain();
    String d3 = TestApi.uniqueDomain();
    SeedDatabase.reset();
    SeedDatabase.exec(
        String.join(
            "",
            "INSERT INTO mail_domains (id, name, dkim_enabled, dkim_selector, dkim_private_key)",
            " VALUES (1, '" + d1 + "', 1, 'dkim', '" + SeedDatabase.pem() + "'),",
            " (2, '" + d2.toUpperCase() + "', 0, 'dkim', ''), (3, '" + d3 + ".', 0, 'dkim', '');\n",
            "INSERT INTO mail_users (id, domain_id, name, password, admin, domain_admin, enabled,",
            " send_only, quota) VALUES",
            " (1, 1, 'john', '" + hash + "', 1, 0, 1, 0, 2048),",
            " (2, 1, 'Noreply', '" + hash + "', 0, 0, 1, 1, 0),",
            " (3, 2, 'old', '" + hash + "', 0, 1, 0, 0, 100),",
            " (4, 1, 'bad name', '" + hash + "', 0, 0, 1, 0, 0),",
            " (5, 1, 'nopass', '', 0, 0, 1, 0, 0),",
            " (6, NULL, 'homeless', '" + hash + "', 0, 0, 1, 0, 0),",
            " (7, 3, 'dotted', '" + hash + "', 0, 0, 1, 0, 0),",
            " (8, 1, 'jane', '" + hash + "', 0, 0, 1, 0, 500),",
            " (9, 2, 'kim', '" + hash + "', 0, 0, 1, 0, 0);\n",
            "SET FOREIGN_KEY_CHECKS = 0;\n",
            "INSERT INTO mail_users (id, domain_id, name, password, admin, domain_admin, enabled,",
            " send_only, quota) VALUES (10, 99, 'ghost', '" + hash + "', 0, 0, 1, 0, 0);\n",
            "INSERT INTO mail_aliases (domain_id, name, destination) VALUES",
            " (99, 'lost', 'john@" + d1 + "');\n",
            "SET FOREIGN_KEY_CHECKS = 1;\n",
            "INSERT INTO mail_aliases (domain_id, name, destination) VALUES",
            " (1, 'sales', 'john@" + d1 + "'), (1, 'sales', 'Someone@External.example'),",
            " (1, '', 'john@" + d1 + "'), (2, 'info', 'john@" + d1 + "'),",
            " (1, 'team', 'john@" + d1 + "'), (1, 'team', 'jane@" + d1 + "'),",
            " (1, 'Upper', 'kim@" + d2 + "'), (3, 'dotalias', 'john@" + d1 + "');\n"));

    List<String> domains =
        List.of(d1, d1.toUpperCase(), d2, d2.toUpperCase(), d3, d3 + ".", "nowhere.example");
    List<String> addresses = new ArrayList<>();
    for (String local :
        List.of(
            "john",
            "JOHN",
            "noreply",
            "Noreply",
            "bad name",
            "nopass",
            "jane",
            "sales",
            "team",
            "upper",
            "nobody",
            "lost",
            "ghost",
            "")) {
      addresses.add(local + "@" + d1);
    }
    for (String local : List.of("old", "kim", "info", "nobody", "")) {
      addresses.add(local + "@" + d2);
      addresses.add(local + "@" + d2.toUpperCase());
    }
    addresses.addAll(List.of("dotted@" + d3, "dotted@" + d3 + ".", "dotalias@" + d3));
    addresses.add("x@nowhere.example");
    List<List<String>> logins = new ArrayList<>();
    for (String user :
        List.of("john@" + d1, "JOHN@" + d1, "jane@" + d1, "kim@" + d2, "old@" + d2)) {
      logins.add(List.of(user, PASSWORD, "imap"));
    }
    logins.add(List.of("john@" + d1, "wrong-password", "imap"));
    for (String service : List.of("imap", "pop3", "smtp")) {
      logins.add(List.of("noreply@" + d1, PASSWORD, service));
    }
    logins.add(List.of("nopass@" + d1, "", "imap"));
    logins.add(List.of("bad name@" + d1, PASSWORD, "imap"));
    logins.add(List.of("dotted@" + d3, PASSWORD, "imap"));
    logins.add(List.of("ghost@" + d1, PASSWORD, "imap"));
    List<String> users =
        List.of("john@" + d1, "jane@" + d1, "kim@" + d2, "old@" + d2, "noreply@" + d1);

    Map<String, String> before = answers(seedDb, domains, addresses, logins, users);
    assertEquals("true", before.get("auth john@" + d1 + " imap"), "the seed's own login works");

    JsonPath job =
        ImportResourceTest.runImport(
            false, Map.of("emptyPasswords", "no-login", "trailingDots", "skip"));
    assertEquals("done", job.getString("state"), job.prettyPrint());

    Map<String, String> after = answers(ours, domains, addresses, logins, users);
    Map<String, String> differing = new TreeMap<>();
    for (String lookup : before.keySet()) {
      if (!before.get(lookup).equals(after.get(lookup))) {
        differing.put(lookup, before.get(lookup) + " -> " + after.get(lookup));
      }
    }
    assertEquals(
        differences(d1, d2, d3).keySet(),
        differing.keySet(),
        "every answer that differs is a documented deliberate difference: " + differing);
    assertEquals("[REJECT]", after.get("recipient-access old@" + d2));
    assertEquals("true", after.get("auth john@" + d1 + " imap"));
    assertTrue(after.get("user jane@" + d1).contains("quota_storage_size\t500M"), after.toString());
  }

  /**
   * The deliberate differences (docs/operations.md, "What answers differ after the import"), lookup
   * → why.
   */
  static Map<String, String> differences(String d1, String d2, String d3) {
    Map<String, String> out = new LinkedHashMap<>();
    String lower =
        "addresses are stored lowercase: answers that return an address return it lowercase"
            + " (Postfix compares them without case)";
    for (String map : List.of("email2email", "email-submission")) {
      for (String key :
          List.of(
              "Noreply@" + d1,
              "noreply@" + d1,
              "kim@" + d2,
              "kim@" + d2.toUpperCase(),
              "old@" + d2,
              "old@" + d2.toUpperCase())) {
        out.put(map + " " + key, lower);
      }
    }
    out.put("email-submission sales@" + d1, lower);
    out.put("virtual-alias-maps sales@" + d1, lower);
    for (String map :
        List.of("virtual-mailbox-maps", "email2email", "email-submission", "recipient-access")) {
      out.put(map + " bad name@" + d1, "invalid local part: not imported (the plan lists it)");
      out.put(
          map + " dotted@" + d3 + ".",
          "domain with a trailing dot: not imported by default (trailingDots: skip)");
    }
    out.put(
        "virtual-mailbox-domains " + d3 + ".",
        "domain with a trailing dot: not imported by default (trailingDots: skip)");
    for (String key : List.of("old@" + d2, "old@" + d2.toUpperCase())) {
      out.put(
          "recipient-access " + key,
          "a disabled mailbox is refused at RCPT (REJECT) instead of accepted and left unread");
    }
    return out;
  }

  /** Every lookup's answer: postmap per map and key, doveadm auth test and user per login. */
  private static Map<String, String> answers(
      Database db,
      List<String> domains,
      List<String> addresses,
      List<List<String>> logins,
      List<String> users)
      throws Exception {
    Map<String, String> out = new LinkedHashMap<>();
    Path maps = SeedLookups.seedMaps(db);
    for (String key : domains) {
      out.put(
          "virtual-mailbox-domains " + key,
          SeedLookups.postmap(maps, "virtual-mailbox-domains", key).toString());
    }
    for (String key : addresses) {
      for (String map : SeedLookups.MAPS) {
        if (!map.equals("virtual-mailbox-domains")) {
          out.put(map + " " + key, SeedLookups.postmap(maps, map, key).toString());
        }
      }
    }
    try (SeedDovecot dovecot = SeedDovecot.start(db)) {
      for (List<String> login : logins) {
        String label = "auth " + login.get(0) + " " + login.get(2);
        if (login.get(1).equals(PASSWORD)) {
          out.put(
              label,
              Boolean.toString(
                  SeedLookups.authTest(dovecot.conf, login.get(0), login.get(1), login.get(2))));
        } else {
          out.put(
              label + " (" + (login.get(1).isEmpty() ? "empty" : "wrong") + " password)",
              Boolean.toString(
                  SeedLookups.authTest(dovecot.conf, login.get(0), login.get(1), login.get(2))));
        }
      }
      for (String user : users) {
        out.put("user " + user, userFields(SeedLookups.doveadm(dovecot.conf, "user", user)));
      }
    }
    return out;
  }

  /** doveadm user's answer without the lines that name the instance. */
  private static String userFields(String output) {
    StringBuilder out = new StringBuilder();
    for (String line : output.strip().split("\n")) {
      if (!line.startsWith("userdb:") && !line.startsWith("field")) {
        out.append(line.strip()).append('\n');
      }
    }
    return out.toString();
  }
}
