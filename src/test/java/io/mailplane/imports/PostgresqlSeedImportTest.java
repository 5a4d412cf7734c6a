package io.mailplane.imports;

import static io.mailplane.TestApi.admin;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mailplane.NeedsDaemons;
import io.mailplane.TestApi;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The import from a seed installation that runs on PostgreSQL (DB_DRIVER=pgsql): the seed admin's
 * PostgreSQL schema (src/test/resources/seed/mailserver-admin-schema-postgresql.sql) in a database
 * of its own, MAILPLANE_TEST_PG_SEED_DB_URL (default mailplane_seed_test on the test PostgreSQL,
 * which test-services.sh creates; user MAILPLANE_TEST_PG_SEED_DB_USER, default the test user).
 * Tagged: PostgreSQL is beyond the fast subset's MariaDB + Redis.
 */
@NeedsDaemons
@QuarkusTest
class PostgresqlSeedImportTest {
  static final String URL =
      System.getenv()
          .getOrDefault(
              "MAILPLANE_TEST_PG_SEED_DB_URL",
              "jdbc:postgresql://127.0.0.1:5432/mailplane_seed_test");
  static final String USER =
      System.getenv().getOrDefault("MAILPLANE_TEST_PG_SEED_DB_USER", SeedDatabase.USER);

  @Test
  void importsDomainsMailboxesAliasesDkimAndFetchmailFromPostgresql() throws Exception {
    String d = TestApi.uniqueDomain();
    String pem = SeedDatabase.pem();
    try (Connection c = DriverManager.getConnection(URL, USER, SeedDatabase.PASSWORD);
        Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS fetchmail_accounts, mail_aliases, mail_users, mail_domains");
      st.execute(
          Files.readString(
              Path.of("src/test/resources/seed/mailserver-admin-schema-postgresql.sql")));
      try (PreparedStatement domain =
          c.prepareStatement(
              "INSERT INTO mail_domains (id, name, dkim_enabled, dkim_selector, dkim_private_key)"
                  + " VALUES (1, ?, TRUE, 'dkim', ?)")) {
        domain.setString(1, d);
        domain.setString(2, pem);
        domain.executeUpdate();
      }
      try (PreparedStatement users =
          c.prepareStatement(
              "INSERT INTO mail_users (id, domain_id, name, password, admin, domain_admin, enabled,"
                  + " send_only, quota) VALUES (1, 1, 'john', ?, TRUE, FALSE, TRUE, FALSE, 2048),"
                  + " (2, 1, 'Noreply', ?, FALSE, FALSE, TRUE, TRUE, 0),"
                  + " (3, 1, 'old', ?, FALSE, TRUE, FALSE, FALSE, 100)")) {
        for (int i = 1; i <= 3; i++) {
          users.setString(i, SeedDatabase.HASH);
        }
        users.executeUpdate();
      }
      st.execute(
          "INSERT INTO mail_aliases (domain_id, name, destination) VALUES"
              + " (1, 'sales', 'john@"
              + d
              + "'), (1, 'sales', 'Someone@External.example'), (1, '', 'john@"
              + d
              + "')");
      st.execute(
          "INSERT INTO fetchmail_accounts (user_id, config_host, config_protocol, config_port,"
              + " config_username, config_password, config_ssl, config_verify_ssl) VALUES"
              + " (1, 'pop.provider.example', 'POP3', 995, 'john.remote', 'remote secret', TRUE,"
              + " TRUE)");
    }

    JsonPath job =
        ImportResourceTest.runImport(
            Map.of(
                "source",
                Map.of("url", URL, "username", USER, "password", SeedDatabase.PASSWORD),
                "dryRun",
                false));
    assertEquals("done", job.getString("state"), job.prettify());
    admin()
        .get("/api/v1/mailboxes/john@" + d)
        .then()
        .statusCode(200)
        .body("quotaMb", equalTo(2048))
        .body("admin", equalTo(true))
        .body("enabled", equalTo(true));
    admin()
        .get("/api/v1/mailboxes/noreply@" + d)
        .then()
        .statusCode(200)
        .body("sendOnly", equalTo(true));
    admin()
        .get("/api/v1/mailboxes/old@" + d)
        .then()
        .statusCode(200)
        .body("enabled", equalTo(false))
        .body("domainAdmin", equalTo(true));
    admin()
        .get("/api/v1/aliases/sales@" + d)
        .then()
        .statusCode(200)
        .body("destinations", containsInAnyOrder("john@" + d, "someone@external.example"));
    admin()
        .get("/api/v1/aliases/@" + d)
        .then()
        .statusCode(200)
        .body("destinations", containsInAnyOrder("john@" + d));
    admin()
        .get("/api/v1/domains/" + d + "/dkim")
        .then()
        .statusCode(200)
        .body(containsString("dkim"));
    admin()
        .queryParam("mailbox", "john@" + d)
        .get("/api/v1/fetchmail-accounts")
        .then()
        .statusCode(200)
        .body(containsString("pop.provider.example"));
  }
}
