package io.mailplane.fetchmail;

import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.as;
import static io.mailplane.TestApi.createDomain;
import static io.mailplane.TestApi.createMailbox;
import static io.mailplane.TestApi.token;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hibernate.Hibernate;
import org.junit.jupiter.api.Test;

/** The fetchmail-accounts resource: DESIGN §3 conventions, validation, scopes, secrecy. */
@QuarkusTest
class FetchmailResourceTest {
  static final String SECRET = "Remote-Secret-\"quoted\"-pw";

  @Inject AgroalDataSource dataSource;

  static Map<String, Object> body(String mailbox) {
    Map<String, Object> body = new HashMap<>();
    body.put("mailbox", mailbox);
    body.put("host", "Mail.Example.NET");
    body.put("protocol", "imap");
    body.put("username", "john.doe");
    body.put("password", SECRET);
    body.put("enabled", false);
    return body;
  }

  static String mailbox() {
    String d = createDomain();
    createMailbox("john@" + d, "Correct-Horse-Battery-9");
    return "john@" + d;
  }

  @Test
  void createReadUpdateDeleteWithEtagsAndDefaults() throws Exception {
    String mailbox = mailbox();
    var created =
        admin()
            .body(body(mailbox))
            .post("/api/v1/fetchmail-accounts")
            .then()
            .statusCode(201)
            .header("ETag", "\"0\"")
            .body("host", equalTo("mail.example.net"))
            .body("port", equalTo(143))
            .body("tls", equalTo("starttls"))
            .body("verifyCertificate", equalTo(true))
            .body("keep", equalTo(false))
            .body("intervalSeconds", equalTo(300))
            .body("password", nullValue())
            .body("nextRunAt", nullValue())
            .extract();
    long id = created.jsonPath().getLong("id");
    assertTrue(created.header("Location").endsWith("/api/v1/fetchmail-accounts/" + id));
    assertFalse(created.asString().contains("Remote-Secret"));

    // Encrypted at rest.
    try (Connection c = dataSource.getConnection();
        ResultSet rs =
            c.createStatement()
                .executeQuery("SELECT password_enc FROM fetchmail_account WHERE id = " + id)) {
      rs.next();
      assertTrue(rs.getString(1).startsWith("v1:"), rs.getString(1));
      assertFalse(rs.getString(1).contains("Remote"));
    }

    admin().get("/api/v1/fetchmail-accounts/" + id).then().statusCode(200).header("ETag", "\"0\"");
    // Echoing the representation back (read-only fields included) changes nothing.
    Map<String, Object> echoed =
        admin().get("/api/v1/fetchmail-accounts/" + id).then().extract().path("");
    admin()
        .body(echoed)
        .put("/api/v1/fetchmail-accounts/" + id)
        .then()
        .statusCode(200)
        .body("version", equalTo(0));

    admin()
        .header("If-Match", "\"7\"")
        .body(Map.of("keep", true))
        .patch("/api/v1/fetchmail-accounts/" + id)
        .then()
        .statusCode(412)
        .contentType("application/problem+json");
    admin()
        .header("If-Match", "\"0\"")
        .contentType("application/merge-patch+json")
        .body(Map.of("keep", true, "folders", List.of("INBOX", "Archiv/2024 \"alt\"")))
        .patch("/api/v1/fetchmail-accounts/" + id)
        .then()
        .statusCode(200)
        .header("ETag", "\"1\"")
        .body("keep", equalTo(true))
        .body("folders", hasItem("Archiv/2024 \"alt\""));

    // Enabling schedules it: nextRunAt appears; disabling removes it.
    admin()
        .body(Map.of("enabled", true, "intervalSeconds", 3600))
        .patch("/api/v1/fetchmail-accounts/" + id)
        .then()
        .statusCode(200)
        .body("nextRunAt", notNullValue());
    admin()
        .body(Map.of("enabled", false))
        .patch("/api/v1/fetchmail-accounts/" + id)
        .then()
        .statusCode(200)
        .body("nextRunAt", nullValue());

    String audit =
        admin()
            .queryParam("resourceType", "fetchmail-account")
            .queryParam("resourceKey", Long.toString(id))
            .get("/api/v1/audit-events")
            .then()
            .statusCode(200)
            .body("items.action", hasItem("fetchmail-account.create"))
            .extract()
            .asString();
    assertFalse(audit.contains("Remote-Secret"), audit);

    admin().delete("/api/v1/fetchmail-accounts/" + id).then().statusCode(204);
    admin().delete("/api/v1/fetchmail-accounts/" + id).then().statusCode(404);
    admin().get("/api/v1/fetchmail-accounts/" + id).then().statusCode(404);
  }

  @Test
  void passwordChangeIsAuditedWithoutTheSecret() {
    String mailbox = mailbox();
    long id = FetchmailApi.create(body(mailbox));
    admin()
        .body(Map.of("password", "Another-Secret-77"))
        .patch("/api/v1/fetchmail-accounts/" + id)
        .then()
        .statusCode(200)
        .body("version", equalTo(1));
    String audit =
        admin()
            .queryParam("resourceKey", Long.toString(id))
            .queryParam("resourceType", "fetchmail-account")
            .get("/api/v1/audit-events")
            .then()
            .body("items.action", hasItem("fetchmail-account.password-change"))
            .extract()
            .asString();
    assertFalse(audit.contains("Another-Secret"), audit);
    admin().delete("/api/v1/fetchmail-accounts/" + id).then().statusCode(204);
  }

  @Test
  void invalidAndHostileInputIs400AndStoresNothing() throws Exception {
    String mailbox = mailbox();
    long before = count();
    List<Map<String, Object>> cases = new ArrayList<>();
    String[][] bad = {
      {"host", "evil\" mda \"/bin/sh"},
      {"host", "host\nmda /bin/sh"},
      {"host", "a b"},
      {"host", "x".repeat(10 * 1024)},
      {"username", "john\npreconnect \"id\""},
      {"username", "x".repeat(10 * 1024)},
      {"username", "nul\0"},
      {"password", "line\nbreak"},
      {"password", "x".repeat(10 * 1024)},
      {"password", "esc\u001b"},
      {"protocol", "smtp"},
      {"tls", "ssl"},
      {"mailbox", "nobody@nowhere.example"},
      {"mailbox", "not an address"},
    };
    for (String[] c : bad) {
      Map<String, Object> b = body(mailbox);
      b.put(c[0], c[1]);
      cases.add(b);
    }
    Map<String, Object> folders = body(mailbox);
    folders.put("folders", List.of("INBOX", "evil\"\nmda \"id"));
    cases.add(folders);
    Map<String, Object> pop3Folders = body(mailbox);
    pop3Folders.put("protocol", "pop3");
    pop3Folders.put("folders", List.of("INBOX"));
    cases.add(pop3Folders);
    Map<String, Object> shortInterval = body(mailbox);
    shortInterval.put("intervalSeconds", 1);
    cases.add(shortInterval);
    Map<String, Object> port = body(mailbox);
    port.put("port", 70000);
    cases.add(port);
    Map<String, Object> unknown = body(mailbox);
    unknown.put("mda", "/bin/sh");
    cases.add(unknown);
    Map<String, Object> noPassword = body(mailbox);
    noPassword.remove("password");
    cases.add(noPassword);
    for (Map<String, Object> c : cases) {
      String response =
          admin()
              .body(c)
              .post("/api/v1/fetchmail-accounts")
              .then()
              .statusCode(400)
              .contentType("application/problem+json")
              .extract()
              .asString();
      assertFalse(response.contains("Remote-Secret"), response);
    }
    assertEquals(before, count());
    admin().get("/api/v1/fetchmail-accounts/abc").then().statusCode(404);
    admin().get("/api/v1/fetchmail-accounts/99999999999").then().statusCode(404);
    admin().post("/api/v1/fetchmail-accounts/99999999999/runs").then().statusCode(404);
  }

  @Test
  void domainTokensSeeOnlyTheirDomainAndReadTokensCannotWrite() {
    String own = mailbox();
    String other = mailbox();
    String ownDomain = own.substring(own.indexOf('@') + 1);
    String scoped = token("domain:" + ownDomain);
    String reader = token("read");
    long mine = FetchmailApi.createAs(scoped, body(own));
    long theirs = FetchmailApi.create(body(other));
    // Another domain's mailbox does not exist for this token.
    as(scoped).body(body(other)).post("/api/v1/fetchmail-accounts").then().statusCode(400);
    as(scoped).get("/api/v1/fetchmail-accounts/" + theirs).then().statusCode(404);
    as(scoped).delete("/api/v1/fetchmail-accounts/" + theirs).then().statusCode(404);
    as(scoped).post("/api/v1/fetchmail-accounts/" + theirs + "/runs").then().statusCode(404);
    as(scoped).get("/api/v1/fetchmail-accounts/" + theirs + "/runs").then().statusCode(404);
    as(scoped)
        .get("/api/v1/fetchmail-accounts?limit=1000")
        .then()
        .statusCode(200)
        .body("items.id", hasItem((int) mine))
        .body("items.id", not(hasItem((int) theirs)));
    as(reader).get("/api/v1/fetchmail-accounts/" + theirs).then().statusCode(200);
    as(reader).post("/api/v1/fetchmail-accounts/" + theirs + "/runs").then().statusCode(403);
    as(reader).body(body(other)).post("/api/v1/fetchmail-accounts").then().statusCode(403);
    as(reader).delete("/api/v1/fetchmail-accounts/" + theirs).then().statusCode(403);
    admin().delete("/api/v1/fetchmail-accounts/" + mine).then().statusCode(204);
    admin().delete("/api/v1/fetchmail-accounts/" + theirs).then().statusCode(204);
  }

  /** The id state grows with a kept remote mailbox: loading an account must not read it. */
  @Test
  void theIdStateIsLoadedOnlyWhenRead() {
    long id = FetchmailApi.create(body(mailbox()));
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              FetchmailAccount account = FetchmailAccount.findById(id);
              assertFalse(Hibernate.isPropertyInitialized(account, "idState"));
              assertEquals(null, account.idState);
              assertTrue(Hibernate.isPropertyInitialized(account, "idState"));
            });
    admin().delete("/api/v1/fetchmail-accounts/" + id).then().statusCode(204);
  }

  @Test
  void listsArePaginatedAndFiltered() {
    String mailbox = mailbox();
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(
          admin()
              .body(body(mailbox))
              .post("/api/v1/fetchmail-accounts")
              .then()
              .statusCode(201)
              .extract()
              .jsonPath()
              .getLong("id"));
    }
    var first =
        admin()
            .queryParam("mailbox", mailbox)
            .queryParam("limit", 2)
            .get("/api/v1/fetchmail-accounts")
            .then()
            .statusCode(200)
            .header("Link", containsString("rel=\"next\""))
            .extract();
    List<Integer> page1 = first.path("items.id");
    assertEquals(List.of(ids.get(0).intValue(), ids.get(1).intValue()), page1);
    String next = first.path("next");
    List<Integer> page2 =
        admin()
            .queryParam("mailbox", mailbox)
            .queryParam("limit", 2)
            .queryParam("after", next)
            .get("/api/v1/fetchmail-accounts")
            .then()
            .statusCode(200)
            .body("next", nullValue())
            .extract()
            .path("items.id");
    assertEquals(List.of(ids.get(2).intValue()), page2);
    admin().queryParam("after", "garbage").get("/api/v1/fetchmail-accounts").then().statusCode(400);
    // Deleting the mailbox removes its accounts (and their schedules).
    admin().delete("/api/v1/mailboxes/" + mailbox).then().statusCode(204);
    for (Long id : ids) {
      admin().get("/api/v1/fetchmail-accounts/" + id).then().statusCode(404);
    }
    assertNotEquals(0, ids.size());
  }

  long count() throws Exception {
    try (Connection c = dataSource.getConnection();
        ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM fetchmail_account")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
