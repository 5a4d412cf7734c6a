package io.mailplane.mailflow;

import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.createAlias;
import static io.mailplane.TestApi.createDomain;
import static io.mailplane.TestApi.createMailboxWithHash;
import static io.mailplane.TestApi.disableMailbox;
import static io.mailplane.TestApi.uniqueDomain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.mailplane.NeedsDaemons;
import io.mailplane.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The seed's own query files against mailplane's views, and mailplane's index-backed files against
 * its tables: real postmap and doveadm must give the same answers on one fixture.
 */
@NeedsDaemons
@QuarkusTest
class SeedCompatibilityDaemonTest {
  static final String PASSWORD = "Seed-Compat-Password-1";
  static final Path SQL_DIR = Path.of(MailClient.STATE, "postfix/sql");
  static final List<String> MAPS = SeedLookups.MAPS;

  String d;
  String alias;
  String off;
  Path seedDir;

  /** bcrypt at cost 4 from Dovecot's own tool: dozens of auth tests stay fast. */
  static String cheapHash;

  @BeforeEach
  void fixture() throws Exception {
    // The seed's map files and its Dovecot SQL are driven here as the MySQL driver reads them
    // (SeedLookups); on a PostgreSQL run mailplane's views answer through the pgsql driver, and
    // BothEnginesDaemonTest proves those answers equal to MariaDB's.
    assumeFalse(TestDatabase.postgresql(), "the seed's files are compared as MySQL maps");
    if (cheapHash == null) {
      cheapHash = MailClient.doveadm("pw", "-s", "BLF-CRYPT", "-r", "4", "-p", PASSWORD).strip();
    }
    d = createDomain();
    alias = uniqueDomain();
    off = createDomain();
    createMailboxWithHash("john@" + d, cheapHash, Map.of());
    createMailboxWithHash("jane@" + d, cheapHash, Map.of());
    createMailboxWithHash("noreply@" + d, cheapHash, Map.of("sendOnly", true));
    createMailboxWithHash("quota@" + d, cheapHash, Map.of("quotaMb", 321));
    createMailboxWithHash("dis@" + d, cheapHash, Map.of());
    disableMailbox("dis@" + d);
    createAlias("sales@" + d, List.of("john@" + d, "jane@" + d));
    createAlias("@" + d, List.of("jane@" + d));
    createMailboxWithHash("bob@" + off, cheapHash, Map.of());
    admin().body(Map.of("enabled", false)).patch("/api/v1/domains/" + off).then().statusCode(200);
    admin()
        .body(Map.of("name", alias, "targetDomain", d))
        .post("/api/v1/alias-domains")
        .then()
        .statusCode(201);
    seedDir = seedMaps();
  }

  /** The seed's query files composed the way its init.sh does, with our test connection block. */
  private static Path seedMaps() throws IOException {
    return SeedLookups.seedMaps(connectionBlock());
  }

  private static String connectionBlock() throws IOException {
    StringBuilder block = new StringBuilder();
    for (String line : Files.readAllLines(SQL_DIR.resolve("virtual-mailbox-domains.cf"))) {
      if (!line.startsWith("query")) {
        block.append(line).append('\n');
      }
    }
    return block.toString();
  }

  @Test
  void postmapAnswersTheSameForSeedAndMailplaneFiles() throws Exception {
    List<String> addresses =
        List.of(
            "john@" + d,
            "JOHN@" + d,
            "jane@" + d,
            "noreply@" + d,
            "sales@" + d,
            "@" + d,
            "nobody@" + d,
            "john@" + alias,
            "sales@" + alias,
            "@" + alias,
            "nobody@" + alias,
            "bob@" + off,
            "@" + off,
            "x@nowhere.example");
    List<String> domains = List.of(d, d.toUpperCase(), alias, off, "nowhere.example");
    for (String key : domains) {
      assertSame("virtual-mailbox-domains", key);
    }
    for (String key : addresses) {
      for (String map : List.of("virtual-alias-maps", "email2email", "email-submission")) {
        assertSame(map, key);
      }
      if (!key.startsWith("@")) {
        assertSame("virtual-mailbox-maps", key);
      }
      if (!key.endsWith(alias)) {
        assertSame("recipient-access", key);
      }
    }
    assertEquals(Set.of("john@" + d), postmap(SQL_DIR, "virtual-alias-maps", "john@" + alias));
    assertEquals(Set.of("REJECT"), postmap(SQL_DIR, "recipient-access", "noreply@" + d));
    // Mailboxes that may not receive: the maps that decide at RCPT agree, both refuse,
    // and the address never falls through to the catch-all.
    for (String key : List.of("dis@" + d, "dis@" + alias, "noreply@" + alias)) {
      for (String map : List.of("virtual-alias-maps", "virtual-mailbox-maps", "recipient-access")) {
        assertSame(map, key);
      }
      assertEquals(Set.of("REJECT"), postmap(SQL_DIR, "recipient-access", key), key);
    }
    assertEquals(Set.of("dis@" + d), postmap(seedDir, "email2email", "dis@" + d));
    assertEquals(Set.of("dis@" + d), postmap(SQL_DIR, "email2email", "dis@" + d));
    assertEquals(Set.of("dis@" + d), postmap(SQL_DIR, "virtual-alias-maps", "dis@" + alias));
  }

  /**
   * A Postfix of our own runs the seed's unchanged query files with the seed's map and restriction
   * settings (its mta Dockerfile); it and the shared Postfix with mailplane's files give the same
   * RCPT answers. The catch-all of the domain takes unknown addresses, never a disabled or
   * send-only mailbox.
   */
  @Test
  void seedAndMailplaneFilesGiveTheSameRcptAnswers() throws Exception {
    try (SeedPostfix seed = SeedPostfix.start(seedDir);
        SeedPostfix mailplaneFiles = SeedPostfix.start(SQL_DIR)) {
      Map<String, Boolean> accepted = new java.util.LinkedHashMap<>();
      accepted.put("john@" + d, true);
      accepted.put("nobody@" + d, true);
      accepted.put("john@" + alias, true);
      accepted.put("nobody@" + alias, true);
      accepted.put("dis@" + d, false);
      accepted.put("DIS@" + d, false);
      accepted.put("dis@" + alias, false);
      accepted.put("noreply@" + d, false);
      accepted.put("noreply@" + alias, false);
      accepted.put("bob@" + off, false);
      for (Map.Entry<String, Boolean> c : accepted.entrySet()) {
        int ours = MailClient.rcptCode(MailClient.SMTP, c.getKey());
        int theirs = MailClient.rcptCode(seed.port, c.getKey());
        assertEquals(c.getValue(), ours == 250, c.getKey() + " mailplane's files: " + ours);
        assertEquals(c.getValue(), theirs == 250, c.getKey() + " seed's files: " + theirs);
      }
      // The seed's recipient_delimiter (-): an extension of a refused mailbox is refused too, with
      // either set of files, and never reaches the catch-all.
      for (String key : List.of("dis-x@" + d, "dis-x@" + alias, "noreply-x@" + alias)) {
        int ours = MailClient.rcptCode(mailplaneFiles.port, key);
        int theirs = MailClient.rcptCode(seed.port, key);
        assertTrue(ours >= 500, key + " mailplane's files: " + ours);
        assertTrue(theirs >= 500, key + " seed's files: " + theirs);
      }
      assertEquals(250, MailClient.rcptCode(mailplaneFiles.port, "john-x@" + d));
      assertEquals(250, MailClient.rcptCode(seed.port, "john-x@" + d));
    }
  }

  private void assertSame(String map, String key) throws Exception {
    assertEquals(postmap(seedDir, map, key), postmap(SQL_DIR, map, key), map + " " + key);
  }

  @Test
  void doveadmAnswersTheSameForSeedAndMailplaneQueries() throws Exception {
    String seed = MailClient.STATE + "/dovecot-seed/dovecot.conf";
    String ours = MailClient.STATE + "/dovecot/dovecot.conf";
    // Each failed authentication costs Dovecot's auth_failure_delay (2 s), so the matrix is
    // chosen rather than complete.
    List<List<String>> cases =
        List.of(
            List.of("john@" + d, PASSWORD, "imap"),
            List.of("john@" + d, "wrong-password", "imap"),
            List.of("noreply@" + d, PASSWORD, "imap"),
            List.of("noreply@" + d, PASSWORD, "pop3"),
            List.of("noreply@" + d, PASSWORD, "smtp"),
            List.of("dis@" + d, PASSWORD, "imap"),
            List.of("bob@" + off, PASSWORD, "imap"),
            List.of("nobody@" + d, PASSWORD, "imap"));
    for (List<String> c : cases) {
      assertEquals(
          authTest(seed, c.get(0), c.get(1), c.get(2)),
          authTest(ours, c.get(0), c.get(1), c.get(2)),
          String.join(" ", c));
    }
    assertTrue(authTest(ours, "john@" + d, PASSWORD, "imap"));
    assertTrue(authTest(ours, "noreply@" + d, PASSWORD, "smtp"));
    String seedUser = doveadm(seed, "user", "quota@" + d);
    String ourUser = doveadm(ours, "user", "quota@" + d);
    assertTrue(seedUser.contains("quota_storage_size\t321M"), seedUser);
    assertTrue(ourUser.contains("quota_rule\t*:storage=321M"), ourUser);
  }

  private static boolean authTest(String conf, String user, String password, String service)
      throws Exception {
    return SeedLookups.authTest(conf, user, password, service);
  }

  private static String doveadm(String conf, String... args) throws Exception {
    return SeedLookups.doveadm(conf, args);
  }

  private static Set<String> postmap(Path dir, String map, String key) throws Exception {
    return SeedLookups.postmap(dir, map, key);
  }
}
