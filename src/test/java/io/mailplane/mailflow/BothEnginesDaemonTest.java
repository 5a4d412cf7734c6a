package io.mailplane.mailflow;

import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.createAlias;
import static io.mailplane.TestApi.createDomain;
import static io.mailplane.TestApi.createMailboxWithHash;
import static io.mailplane.TestApi.disableMailbox;
import static io.mailplane.TestApi.uniqueDomain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.NeedsDaemons;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.ConfigProvider;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Postfix and Dovecot reading PostgreSQL answer as they do reading MariaDB. Two copies of the mail
 * daemons run from the same deploy/ files (test-services.sh): the default one reads MariaDB
 * (MAILPLANE_MAIL_DB_NAME), the other PostgreSQL (MAILPLANE_PG_*). The fixture is written through
 * the API into the database the app runs on; its rows are then copied into the other engine's
 * database (migrated by the same Flyway locations the app would use there), so both copies see the
 * same objects. Every map of deploy/mta/sql and every Dovecot lookup is asked the same keys on
 * both.
 */
@NeedsDaemons
@QuarkusTest
class BothEnginesDaemonTest {
  static final String PASSWORD = "Both-Engines-Password-1";
  static final List<String> MAPS =
      List.of(
          "virtual-mailbox-domains",
          "virtual-mailbox-maps",
          "virtual-alias-maps",
          "email2email",
          "email-submission",
          "recipient-access");
  // The MariaDB-reading copy by its own variable: MailClient.STATE follows the run's engine.
  static final String MYSQL_STATE =
      MailClient.setting("MAILPLANE_MAIL_DIR", "/var/tmp/mailplane-mail");
  static final String PG_STATE =
      MailClient.setting("MAILPLANE_PG_MAIL_DIR", "/var/tmp/mailplane-pg-mail");
  static final int PG_SMTP = port(MailClient.setting("MAILPLANE_PG_SMTP_LISTEN", "127.0.0.1:2575"));
  static final int PG_IMAP = Integer.parseInt(MailClient.setting("MAILPLANE_PG_IMAP_PORT", "1193"));

  /** bcrypt at cost 4 from Dovecot's own tool: the auth matrix stays fast. */
  static String cheapHash;

  @Inject DataSource dataSource;

  String d;
  String alias;
  String off;

  @BeforeEach
  void fixture() throws Exception {
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
    mirror(List.of(d, off));
  }

  @Test
  void postmapAnswersTheSameOnBothEngines() throws Exception {
    List<String> addresses =
        List.of(
            "john@" + d,
            "JOHN@" + d,
            "jane@" + d,
            "noreply@" + d,
            "dis@" + d,
            "sales@" + d,
            "@" + d,
            "nobody@" + d,
            "john@" + alias,
            "dis@" + alias,
            "sales@" + alias,
            "@" + alias,
            "nobody@" + alias,
            "bob@" + off,
            "@" + off,
            "x@nowhere.example");
    int answered = 0;
    for (String map : MAPS) {
      List<String> keys =
          map.equals("virtual-mailbox-domains")
              ? List.of(d, d.toUpperCase(), alias, off, "nowhere.example")
              : addresses;
      for (String key : keys) {
        Set<String> mysql = postmap(MYSQL_STATE, "mysql", map, key);
        assertEquals(mysql, postmap(PG_STATE, "pgsql", map, key), map + " " + key);
        answered += mysql.isEmpty() ? 0 : 1;
      }
    }
    // Both answering nothing would also be "the same": the fixture's known answers are there.
    assertTrue(answered > 30, "answered keys: " + answered);
    assertEquals(
        Set.of("john@" + d, "jane@" + d),
        postmap(PG_STATE, "pgsql", "virtual-alias-maps", "sales@" + alias));
    assertEquals(Set.of("REJECT"), postmap(PG_STATE, "pgsql", "recipient-access", "dis@" + alias));
    assertEquals(Set.of("john@" + d), postmap(PG_STATE, "pgsql", "email-submission", "JOHN@" + d));
  }

  @Test
  void doveadmAnswersTheSameOnBothEngines() throws Exception {
    String mysql = MYSQL_STATE + "/dovecot/dovecot.conf";
    String pgsql = PG_STATE + "/dovecot/dovecot.conf";
    // Each failed authentication costs Dovecot's auth_failure_delay (2 s): a chosen matrix.
    List<List<String>> cases =
        List.of(
            List.of("john@" + d, PASSWORD, "imap"),
            List.of("JOHN@" + d, PASSWORD, "imap"),
            List.of("john@" + d, "wrong-password", "imap"),
            List.of("noreply@" + d, PASSWORD, "imap"),
            List.of("noreply@" + d, PASSWORD, "smtp"),
            List.of("dis@" + d, PASSWORD, "imap"),
            List.of("bob@" + off, PASSWORD, "imap"));
    for (List<String> c : cases) {
      assertEquals(
          authTest(mysql, c.get(0), c.get(1), c.get(2)),
          authTest(pgsql, c.get(0), c.get(1), c.get(2)),
          String.join(" ", c));
    }
    assertTrue(authTest(pgsql, "john@" + d, PASSWORD, "imap"));
    assertTrue(authTest(pgsql, "noreply@" + d, PASSWORD, "smtp"));
    for (String user : List.of("quota@" + d, "john@" + d, "noreply@" + d, "dis@" + d)) {
      assertEquals(userFields(mysql, user), userFields(pgsql, user), user);
    }
    assertTrue(
        userFields(pgsql, "quota@" + d).contains("quota_rule\t*:storage=321M"),
        userFields(pgsql, "quota@" + d));
    Set<String> iterateMysql = iterate(mysql);
    Set<String> iteratePgsql = iterate(pgsql);
    for (String user : List.of("john@" + d, "jane@" + d, "quota@" + d, "dis@" + d)) {
      assertTrue(iteratePgsql.contains(user), user);
      assertEquals(iterateMysql.contains(user), iteratePgsql.contains(user), user);
    }
    assertFalse(iteratePgsql.contains("noreply@" + d));
  }

  /** SMTP → Postfix → LMTP → Dovecot → IMAP, with both daemons reading PostgreSQL only. */
  @Test
  void mailFlowsThroughDaemonsReadingPostgresql() throws Exception {
    String subject = MailClient.subject();
    MailClient.send(PG_SMTP, "peer@remote.example", "sales@" + alias, subject);
    Duration wait = Duration.ofSeconds(30);
    assertTrue(MailClient.arrives("imap", PG_IMAP, "john@" + d, PASSWORD, subject, wait));
    assertTrue(MailClient.arrives("imap", PG_IMAP, "jane@" + d, PASSWORD, subject, wait));
    int refused = MailClient.rcptCode(PG_SMTP, "dis@" + d);
    assertTrue(refused >= 500, "RCPT dis@: " + refused);
  }

  /**
   * Copies the mail rows of these domains (and of their alias domains) from the app's database into
   * the other engine's, with new ids there: the other database may hold other rows.
   */
  private void mirror(List<String> domains) throws Exception {
    try (Connection from = dataSource.getConnection();
        Connection to = otherEngine(from)) {
      to.setAutoCommit(false);
      Map<Long, Long> domainIds = new HashMap<>();
      Map<Long, Long> aliasIds = new HashMap<>();
      String in = "(" + String.join(",", domains.stream().map(x -> "?").toList()) + ")";
      copy(from, to, "domain", "name IN " + in, domains, Map.of(), domainIds);
      copy(
          from,
          to,
          "alias_domain",
          "target_domain_id IN " + ids(domainIds),
          List.of(),
          Map.of("target_domain_id", domainIds),
          new HashMap<>());
      copy(
          from,
          to,
          "mailbox",
          "domain_id IN " + ids(domainIds),
          List.of(),
          Map.of("domain_id", domainIds),
          new HashMap<>());
      copy(
          from,
          to,
          "alias",
          "domain_id IN " + ids(domainIds),
          List.of(),
          Map.of("domain_id", domainIds),
          aliasIds);
      copy(
          from,
          to,
          "alias_destination",
          "alias_id IN " + ids(aliasIds),
          List.of(),
          Map.of("alias_id", aliasIds),
          null);
      to.commit();
    }
  }

  private static String ids(Map<Long, Long> ids) {
    return ids.isEmpty()
        ? "(NULL)"
        : "(" + String.join(",", ids.keySet().stream().map(String::valueOf).toList()) + ")";
  }

  /** Row by row; {@code newIds} (old id → new id) is filled when the table has an id. */
  private static void copy(
      Connection from,
      Connection to,
      String table,
      String where,
      List<String> parameters,
      Map<String, Map<Long, Long>> foreignKeys,
      Map<Long, Long> newIds)
      throws SQLException {
    try (PreparedStatement select =
        from.prepareStatement("SELECT * FROM " + table + " WHERE " + where)) {
      for (int i = 0; i < parameters.size(); i++) {
        select.setString(i + 1, parameters.get(i));
      }
      try (ResultSet rows = select.executeQuery()) {
        ResultSetMetaData meta = rows.getMetaData();
        List<String> columns = new ArrayList<>();
        for (int c = 1; c <= meta.getColumnCount(); c++) {
          String column = meta.getColumnLabel(c).toLowerCase(java.util.Locale.ROOT);
          if (!column.equals("id")) {
            columns.add(column);
          }
        }
        String insert =
            "INSERT INTO "
                + table
                + " ("
                + String.join(",", columns)
                + ") VALUES ("
                + String.join(",", columns.stream().map(c -> "?").toList())
                + ")";
        while (rows.next()) {
          try (PreparedStatement write =
              newIds == null
                  ? to.prepareStatement(insert)
                  : to.prepareStatement(insert, new String[] {"id"})) {
            for (int c = 0; c < columns.size(); c++) {
              Object value = rows.getObject(columns.get(c));
              Map<Long, Long> mapped = foreignKeys.get(columns.get(c));
              write.setObject(
                  c + 1, mapped == null ? value : mapped.get(((Number) value).longValue()));
            }
            write.executeUpdate();
            if (newIds != null) {
              try (ResultSet key = write.getGeneratedKeys()) {
                key.next();
                newIds.put(rows.getLong("id"), key.getLong(1));
              }
            }
          }
        }
      }
    }
  }

  /** The database the other copy of the daemons reads, migrated by the app's Flyway locations. */
  private static Connection otherEngine(Connection app) throws SQLException {
    boolean appOnPostgres = app.getMetaData().getDatabaseProductName().contains("PostgreSQL");
    String password = MailClient.setting("MAILPLANE_TEST_DB_PASSWORD", "mailplane");
    String url;
    String user;
    String engine;
    if (appOnPostgres) {
      url =
          "jdbc:mariadb://127.0.0.1:3306/"
              + MailClient.setting("MAILPLANE_MAIL_DB_NAME", "mailplane_test");
      user = MailClient.setting("MAILPLANE_MAIL_DB_USER", "mailplane");
      engine = "mariadb";
    } else {
      url =
          "jdbc:postgresql://127.0.0.1:5432/"
              + MailClient.setting("MAILPLANE_PG_MAIL_DB_NAME", "mailplane_test");
      user = MailClient.setting("MAILPLANE_PG_MAIL_DB_USER", "mailplane");
      engine = "postgresql";
    }
    Flyway.configure()
        .dataSource(url, user, password)
        .locations(locations(engine))
        .load()
        .migrate();
    return DriverManager.getConnection(url, user, password);
  }

  /** The app's own Flyway locations for an engine: common + mailplane.migrations.<engine>. */
  private static String[] locations(String engine) {
    List<String> locations = new ArrayList<>(List.of("classpath:db/migration/common"));
    for (String location :
        ConfigProvider.getConfig()
            .getValue("mailplane.migrations." + engine, String.class)
            .split(",")) {
      locations.add("classpath:" + location.trim());
    }
    return locations.toArray(String[]::new);
  }

  private static Set<String> postmap(String state, String driver, String map, String key)
      throws Exception {
    String output =
        run(
            "postmap",
            "-c",
            state + "/postfix",
            "-q",
            key,
            driver + ":" + state + "/postfix/sql/" + map + ".cf");
    Set<String> values = new TreeSet<>();
    for (String value : output.strip().split(",")) {
      if (!value.isBlank()) {
        values.add(value.strip());
      }
    }
    return values;
  }

  private static boolean authTest(String conf, String user, String password, String service)
      throws Exception {
    return run("doveadm", "-c", conf, "auth", "test", "-x", "service=" + service, user, password)
        .contains("auth succeeded");
  }

  /** doveadm user's fields, without home (each copy has its own mail directory). */
  private static String userFields(String conf, String user) throws Exception {
    return String.join(
        "\n",
        run("doveadm", "-c", conf, "user", user)
            .lines()
            .filter(line -> !line.startsWith("home\t"))
            .toList());
  }

  private static Set<String> iterate(String conf) throws Exception {
    return new TreeSet<>(
        run("doveadm", "-c", conf, "user", "*").lines().map(String::strip).toList());
  }

  private static String run(String... command) throws Exception {
    Process process = new ProcessBuilder(Arrays.asList(command)).redirectErrorStream(true).start();
    String output =
        new String(
            process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    process.waitFor();
    return output;
  }

  private static int port(String listen) {
    return Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
  }
}
