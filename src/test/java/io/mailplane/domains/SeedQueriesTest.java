package io.mailplane.domains;

import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.createAlias;
import static io.mailplane.TestApi.createDomain;
import static io.mailplane.TestApi.uniqueDomain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The seed's own Postfix and Dovecot queries (src/test/resources/seed), unchanged, against the
 * compatibility views, on a fixture made through the API.
 */
@QuarkusTest
class SeedQueriesTest {
  @Inject DataSource dataSource;

  String d;
  String aliasDomain;
  String disabled;

  @BeforeEach
  void fixture() {
    d = createDomain();
    aliasDomain = uniqueDomain();
    disabled = createDomain();
    mailbox("john@" + d, Map.of("quotaMb", 2048));
    mailbox("dis@" + d, Map.of("enabled", false));
    mailbox("sendonly@" + d, Map.of("sendOnly", true));
    mailbox("bob@" + disabled, Map.of());
    createAlias("@" + d, List.of("john@" + d));
    createAlias("sales@" + d, List.of("john@" + d, "ext@other.example"));
    createAlias("off@" + d, List.of("john@" + d));
    admin().body(Map.of("enabled", false)).patch("/api/v1/aliases/off@" + d).then().statusCode(200);
    createAlias("info@" + disabled, List.of("bob@" + disabled));
    admin()
        .body(Map.of("name", aliasDomain, "targetDomain", d))
        .post("/api/v1/alias-domains")
        .then()
        .statusCode(201);
    admin()
        .body(Map.of("enabled", false))
        .patch("/api/v1/domains/" + disabled)
        .then()
        .statusCode(200);
  }

  private static void mailbox(String address, Map<String, Object> extra) {
    Map<String, Object> body = new java.util.HashMap<>(extra);
    body.put("address", address);
    body.put("passwordHash", "{SHA512-CRYPT}$6$saltsalt$" + "a".repeat(86));
    admin().body(body).post("/api/v1/mailboxes").then().statusCode(201);
  }

  @Test
  void virtualMailboxDomains() throws Exception {
    assertEquals(Set.of("1"), postfix("virtual-mailbox-domains", d.toUpperCase()));
    assertEquals(Set.of("1"), postfix("virtual-mailbox-domains", aliasDomain));
    assertEquals(Set.of(), postfix("virtual-mailbox-domains", disabled));
    assertEquals(Set.of(), postfix("virtual-mailbox-domains", "nowhere.example"));
  }

  @Test
  void virtualMailboxMaps() throws Exception {
    assertEquals(Set.of("1"), postfix("virtual-mailbox-maps", "John@" + d));
    assertEquals(Set.of("1"), postfix("virtual-mailbox-maps", "sendonly@" + d));
    assertEquals(Set.of(), postfix("virtual-mailbox-maps", "dis@" + d));
    assertEquals(Set.of(), postfix("virtual-mailbox-maps", "bob@" + disabled));
    assertEquals(Set.of(), postfix("virtual-mailbox-maps", "nobody@" + d));
  }

  @Test
  void virtualAliasMaps() throws Exception {
    assertEquals(
        Set.of("john@" + d, "ext@other.example"), postfix("virtual-alias-maps", "sales@" + d));
    assertEquals(Set.of("john@" + d), postfix("virtual-alias-maps", "@" + d));
    assertEquals(Set.of(), postfix("virtual-alias-maps", "off@" + d));
    assertEquals(Set.of(), postfix("virtual-alias-maps", "info@" + disabled));
    // Alias domain: mailboxes, aliases and the catch-all of the target domain.
    assertEquals(Set.of("john@" + d), postfix("virtual-alias-maps", "john@" + aliasDomain));
    assertEquals(
        Set.of("john@" + d, "ext@other.example"),
        postfix("virtual-alias-maps", "sales@" + aliasDomain));
    assertEquals(Set.of("john@" + d), postfix("virtual-alias-maps", "@" + aliasDomain));
    // A disabled mailbox keeps its address: x@alias goes to it (and bounces), not to @alias.
    assertEquals(Set.of("dis@" + d), postfix("virtual-alias-maps", "dis@" + aliasDomain));
  }

  @Test
  void email2email() throws Exception {
    assertEquals(Set.of("john@" + d), postfix("email2email", "JOHN@" + d));
    assertEquals(Set.of(), postfix("email2email", "nobody@" + d));
    assertEquals(Set.of(), postfix("email2email", "bob@" + disabled));
    // A disabled mailbox maps to itself, so the catch-all never takes its mail.
    assertEquals(Set.of("dis@" + d), postfix("email2email", "dis@" + d));
  }

  @Test
  void submissionAndRecipientAccess() throws Exception {
    assertEquals(Set.of("john@" + d), postfix("email-submission", "john@" + d));
    assertEquals(
        Set.of("john@" + d, "ext@other.example"), postfix("email-submission", "sales@" + d));
    assertEquals(Set.of("REJECT"), postfix("recipient-access", "sendonly@" + d));
    assertEquals(Set.of("OK"), postfix("recipient-access", "john@" + d));
    // Refused at RCPT, directly and through the alias domain.
    assertEquals(Set.of("REJECT"), postfix("recipient-access", "dis@" + d));
    assertEquals(Set.of("REJECT"), postfix("recipient-access", "dis@" + aliasDomain));
    assertEquals(Set.of("REJECT"), postfix("recipient-access", "sendonly@" + aliasDomain));
    assertEquals(Set.of(), postfix("recipient-access", "john@" + aliasDomain));
    // An enabled alias on the disabled mailbox's address is a forward: the address stays open.
    createAlias("dis@" + d, List.of("john@" + d));
    assertEquals(Set.of("OK"), postfix("recipient-access", "dis@" + d));
    assertEquals(Set.of(), postfix("recipient-access", "dis@" + aliasDomain));
  }

  @Test
  void dovecot() throws Exception {
    List<List<String>> john = dovecot("dovecot-passdb", "john", d, "imap");
    assertEquals(1, john.size());
    assertEquals(List.of("john", d), john.get(0).subList(0, 2));
    assertTrue(john.get(0).get(2).startsWith("{SHA512-CRYPT}$6$"));
    assertEquals(0, dovecot("dovecot-passdb", "dis", d, "imap").size());
    assertEquals(0, dovecot("dovecot-passdb", "sendonly", d, "imap").size());
    assertEquals(0, dovecot("dovecot-passdb", "sendonly", d, "pop3").size());
    assertEquals(1, dovecot("dovecot-passdb", "sendonly", d, "smtp").size());
    assertEquals(0, dovecot("dovecot-passdb", "bob", disabled, "imap").size());
    assertEquals(0, dovecot("dovecot-passdb", "dis", aliasDomain, "smtp").size());
    assertEquals(0, dovecot("dovecot-passdb", "sendonly", aliasDomain, "smtp").size());
    assertEquals(List.of(List.of("2048M")), dovecot("dovecot-userdb", "john", d, "imap"));
    List<List<String>> users = dovecot("dovecot-iterate", "", "", "");
    assertTrue(users.contains(List.of("john", d)));
    assertTrue(users.stream().noneMatch(row -> row.get(1).equals(disabled)));
  }

  /** Runs a Postfix query as Postfix would: %s the key, %u/%d its parts. */
  private Set<String> postfix(String name, String key) throws Exception {
    int at = key.lastIndexOf('@');
    String sql =
        query(name)
            .replace("%s", escape(key))
            .replace("%u", escape(at < 0 ? key : key.substring(0, at)))
            .replace("%d", escape(at < 0 ? "" : key.substring(at + 1)));
    Set<String> values = new TreeSet<>();
    for (List<String> row : run(sql)) {
      values.add(row.get(0));
    }
    return values;
  }

  private List<List<String>> dovecot(String name, String user, String domain, String protocol)
      throws Exception {
    String sql =
        query(name)
            .replace("%{user|username}", escape(user))
            .replace("%{user|domain}", escape(domain))
            .replace("%{protocol}", escape(protocol));
    return run(sql);
  }

  private List<List<String>> run(String sql) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      List<List<String>> result = new ArrayList<>();
      int columns = rows.getMetaData().getColumnCount();
      while (rows.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          row.add(rows.getString(i));
        }
        result.add(row);
      }
      return result;
    }
  }

  private static String query(String name) throws IOException {
    try (InputStream in = SeedQueriesTest.class.getResourceAsStream("/seed/" + name + ".query")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
  }

  /** What Postfix's and Dovecot's MySQL drivers do to a key before substituting it. */
  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("'", "\\'").replace("\"", "\\\"");
  }
}
