package io.mailplane.deploy;

import static io.mailplane.TestApi.admin;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.mailplane.TestApi;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/migrate: the seed admin's tables (a fixture, as TEMPORARY tables that hide mailplane's
 * views of the same names on this one connection) → the SQL files → mailplane's API, as
 * seed-import.sh runs them. Passwords keep their bcrypt hash, aliases group their destination rows,
 * the catch-all becomes `@domain`, the DKIM key is imported with its selector.
 */
@QuarkusTest
class SeedMigrationTest {
  private static final String SEED_HASH =
      "$2y$10$6vK7alYFqsM4f0iCOHrdaejZoVCIP5Ixhpge/.MmysxOdBQIlGNa2";

  @Inject AgroalDataSource dataSource;
  @Inject ObjectMapper json;

  @Test
  void seedDatabaseMovesThroughTheApi() throws Exception {
    String d1 = TestApi.uniqueDomain();
    String d2 = TestApi.uniqueDomain();
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair key = generator.generateKeyPair();
    String pem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(key.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";

    String document;
    List<String> dkimLines;
    List<String> fetchmailLines;
    try (Connection connection = dataSource.getConnection()) {
      String fixture =
          withoutComments(
                  Files.readString(
                      Path.of("src/test/resources/seed-fixture/seed-admin-fixture.sql")))
              .replace("@D1@", d1)
              .replace("@D2_MIXED_CASE@", d2.toUpperCase(Locale.ROOT))
              .replace("@DKIM_KEY@", pem)
              .replace("CREATE TABLE", "CREATE TEMPORARY TABLE");
      run(connection, fixture);
      try {
        document = run(connection, read("seed-config.sql")).get(0);
        dkimLines = run(connection, read("seed-dkim.sql"));
        fetchmailLines = run(connection, read("seed-fetchmail.sql"));
      } finally {
        run(
            connection,
            "DROP TEMPORARY TABLE fetchmail_accounts, mail_aliases, mail_users, mail_domains;");
      }
    }

    // The plan lists exactly the seed's objects (the import uses prune=false).
    JsonPath plan =
        admin()
            .body(document)
            .post("/api/v1/config:plan?prune=false")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    List<String> changes = new ArrayList<>();
    for (int i = 0; i < plan.getList("changes").size(); i++) {
      changes.add(
          plan.getString("changes[" + i + "].action")
              + " "
              + plan.getString("changes[" + i + "].resource")
              + " "
              + plan.getString("changes[" + i + "].key"));
    }
    assertEquals(
        Stream.of(
                "create domain " + d1,
                "create domain " + d2,
                "create mailbox john@" + d1,
                "create mailbox noreply@" + d1,
                "create mailbox old@" + d2,
                "create alias @" + d1,
                "create alias info@" + d2,
                "create alias sales@" + d1)
            .sorted(SeedMigrationTest::byKind)
            .toList(),
        changes.stream().sorted(SeedMigrationTest::byKind).toList());

    admin().body(document).post("/api/v1/config:apply?prune=false").then().statusCode(200);

    admin()
        .get("/api/v1/mailboxes/john@" + d1)
        .then()
        .statusCode(200)
        .body("quotaMb", equalTo(2048))
        .body("enabled", equalTo(true))
        .body("sendOnly", equalTo(false));
    admin()
        .get("/api/v1/mailboxes/noreply@" + d1)
        .then()
        .body("sendOnly", equalTo(true))
        .body("quotaMb", equalTo(0));
    admin().get("/api/v1/mailboxes/old@" + d2).then().body("enabled", equalTo(false));
    admin()
        .get("/api/v1/aliases/sales@" + d1)
        .then()
        .body("destinations", containsInAnyOrder("john@" + d1, "someone@external.example"));
    admin().get("/api/v1/aliases/@" + d1).then().body("destinations", hasItems("john@" + d1));
    admin().get("/api/v1/aliases/info@" + d2).then().body("destinations", hasSize(1));
    // The seed's bcrypt hash is kept as it is (Dovecot verifies it through crypt(3)).
    JsonPath export = admin().get("/api/v1/config").then().statusCode(200).extract().jsonPath();
    assertEquals(
        SEED_HASH,
        export.getString("mailboxes.find { it.address == 'john@" + d1 + "' }.passwordHash"));

    // DKIM: one line, the seed's key imported under the seed's selector.
    assertEquals(1, dkimLines.size(), dkimLines.toString());
    JsonNode dkim = json.readTree(dkimLines.get(0));
    assertEquals(d1, dkim.get("domain").asText());
    admin()
        .body(json.writeValueAsString(dkim.get("body")))
        .put("/api/v1/domains/" + d1 + "/dkim")
        .then()
        .statusCode(201);
    String publicKey = Base64.getEncoder().encodeToString(key.getPublic().getEncoded());
    admin()
        .get("/api/v1/domains/" + d1 + "/dkim")
        .then()
        .body("selector", equalTo("dkim"))
        .body("selectors[0].publicKey", equalTo(publicKey));

    // Fetchmail: what POST /api/v1/fetchmail-accounts takes, then taken by it.
    assertEquals(1, fetchmailLines.size());
    JsonNode account = json.readTree(fetchmailLines.get(0));
    assertEquals("john@" + d1, account.get("mailbox").asText());
    assertEquals("pop3", account.get("protocol").asText());
    assertEquals("tls", account.get("tls").asText());
    assertEquals(995, account.get("port").asInt());
    assertTrue(account.get("verifyCertificate").asBoolean());
    assertEquals("remote secret", account.get("password").asText());
    JsonPath created =
        admin()
            .body(fetchmailLines.get(0))
            .post("/api/v1/fetchmail-accounts")
            .then()
            .statusCode(201)
            .body("mailbox", equalTo("john@" + d1))
            .body("host", equalTo("pop.provider.example"))
            .body("protocol", equalTo("pop3"))
            .body("tls", equalTo("tls"))
            .body("port", equalTo(995))
            .extract()
            .jsonPath();
    // Not left behind to be scheduled against a host that does not exist.
    admin().delete("/api/v1/fetchmail-accounts/" + created.getLong("id")).then().statusCode(204);
  }

  private static int byKind(String a, String b) {
    List<String> order = List.of("domain", "mailbox", "alias");
    int c = Integer.compare(order.indexOf(a.split(" ")[1]), order.indexOf(b.split(" ")[1]));
    return c != 0 ? c : a.compareTo(b);
  }

  private static String read(String file) throws Exception {
    return withoutComments(Files.readString(Path.of("deploy/migrate", file)));
  }

  /** Drops `--` comment lines (before placeholders are filled: a PEM line starts with dashes). */
  private static String withoutComments(String script) {
    StringBuilder sql = new StringBuilder();
    for (String line : script.split("\n")) {
      if (!line.strip().startsWith("--")) {
        sql.append(line).append('\n');
      }
    }
    return sql.toString();
  }

  /** Runs `;`-terminated statements; returns the first column of the last result. */
  private static List<String> run(Connection connection, String script) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Statement statement = connection.createStatement()) {
      for (String part : script.split(";\\s*\n")) {
        if (part.isBlank()) {
          continue;
        }
        if (statement.execute(part)) {
          rows = new ArrayList<>();
          try (ResultSet result = statement.getResultSet()) {
            while (result.next()) {
              rows.add(result.getString(1));
            }
          }
        }
      }
    }
    return rows;
  }
}
