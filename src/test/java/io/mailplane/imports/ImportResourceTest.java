package io.mailplane.imports;

import static io.mailplane.TestApi.admin;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.TestApi;
import io.mailplane.api.Timestamps;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * POST /api/v1/imports against a seed database built from the seed admin's own schema, with odd
 * rows: orphans, an invalid local part, an empty password, a trailing-dot domain, a switched-off
 * DKIM key. Imported twice with changes on both sides in between; every skipped row is reported.
 */
@QuarkusTest
class ImportResourceTest {

  static Map<String, Object> request(boolean dryRun, Map<String, Object> options) {
    Map<String, Object> body = new HashMap<>();
    body.put(
        "source",
        Map.of(
            "url",
            SeedDatabase.URL,
            "username",
            SeedDatabase.USER,
            "password",
            SeedDatabase.PASSWORD));
    body.put("dryRun", dryRun);
    if (options != null) {
      body.put("options", options);
    }
    return body;
  }

  /** Starts an import and waits until it has finished; returns the job. */
  static JsonPath runImport(boolean dryRun, Map<String, Object> options) throws Exception {
    return runImport(request(dryRun, options));
  }

  /** Starts the import {@code body} asks for and waits until it has finished; returns the job. */
  static JsonPath runImport(Map<String, Object> body) throws Exception {
    long id =
        admin()
            .body(body)
            .post("/api/v1/imports")
            .then()
            .statusCode(202)
            .body("source", not(containsString(SeedDatabase.PASSWORD + "@")))
            .extract()
            .jsonPath()
            .getLong("id");
    long deadline = System.nanoTime() + 300_000_000_000L;
    while (System.nanoTime() < deadline) {
      JsonPath job =
          admin().get("/api/v1/imports/" + id).then().statusCode(200).extract().jsonPath();
      if (job.getBoolean("finished")) {
        return job;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("import " + id + " did not finish in 5 minutes");
  }

  /** All items of a job, keyed "kind key" (skips of one key get the seed row appended). */
  static Map<String, Map<String, Object>> items(long id) {
    Map<String, Map<String, Object>> out = new HashMap<>();
    String after = null;
    do {
      var spec = admin().queryParam("limit", 1000);
      if (after != null) {
        spec = spec.queryParam("after", after);
      }
      JsonPath page =
          spec.get("/api/v1/imports/" + id + "/items").then().statusCode(200).extract().jsonPath();
      List<Map<String, Object>> list = page.getList("items");
      for (Map<String, Object> item : list) {
        String key = item.get("kind") + " " + item.get("key");
        if (out.containsKey(key)) {
          key = key + " " + item.get("seedRow");
        }
        out.put(key, item);
      }
      after = page.getString("next");
    } while (after != null);
    return out;
  }

  @Test
  void importTwiceConvergesAndReportsEverySkippedRow() throws Exception {
    String d1 = TestApi.uniqueDomain();
    String d2 = TestApi.uniqueDomain();
    String d3 = TestApi.uniqueDomain();
    String key1 = SeedDatabase.pem();
    String key2 = SeedDatabase.pem();
    SeedDatabase.reset();
    SeedDatabase.exec(
        "INSERT INTO mail_domains (id, name, dkim_enabled, dkim_selector, dkim_private_key) VALUES"
            + " (1, '"
            + d1
            + "', 1, 'dkim', '"
            + key1
            + "'),"
            + " (2, '"
            + d2.toUpperCase()
            + "', 0, 'dkim', '"
            + key2
            + "'),"
            + " (3, '"
            + d3
            + ".', 0, 'dkim', '');\n"
            + "INSERT INTO mail_users (id, domain_id, name, password, admin, domain_admin, enabled,"
            + " send_only, quota) VALUES"
            + " (1, 1, 'john', '"
            + SeedDatabase.HASH
            + "', 1, 0, 1, 0, 2048),"
            + " (2, 1, 'Noreply', '"
            + SeedDatabase.HASH
            + "', 0, 0, 1, 1, 0),"
            + " (3, 2, 'old', '"
            + SeedDatabase.HASH
            + "', 0, 1, 0, 0, 100),"
            + " (4, 1, 'bad name', '"
            + SeedDatabase.HASH
            + "', 0, 0, 1, 0, 0),"
            + " (5, 1, 'nopass', '', 0, 0, 1, 0, 0),"
            + " (6, NULL, 'homeless', '"
            + SeedDatabase.HASH
            + "', 0, 0, 1, 0, 0),"
            + " (7, 3, 'dotted', '"
            + SeedDatabase.HASH
            + "', 0, 0, 1, 0, 0),"
            + " (8, 1, 'jane', '"
            + SeedDatabase.HASH
            + "', 0, 0, 1, 0, 500);\n"
            + "SET FOREIGN_KEY_CHECKS = 0;\n"
            + "INSERT INTO mail_users (id, domain_id, name, password, admin, domain_admin, enabled,"
            + " send_only, quota) VALUES (9, 99, 'ghost', '"
            + SeedDatabase.HASH
            + "', 0, 0, 1, 0, 0);\n"
            + "INSERT INTO mail_aliases (domain_id, name, destination) VALUES (99, 'lost', 'john@"
            + d1
            + "');\n"
            + "INSERT INTO fetchmail_accounts (user_id, config_host, config_protocol, config_port,"
            + " config_username, config_password, config_ssl, config_verify_ssl) VALUES"
            + " (99, 'pop.orphan.example', 'pop3', 995, 'x', 'y', 1, 1);\n"
            + "SET FOREIGN_KEY_CHECKS = 1;\n"
            + "INSERT INTO mail_aliases (domain_id, name, destination) VALUES"
            + " (1, 'sales', 'john@"
            + d1
            + "'), (1, 'sales', 'Someone@External.example'),"
            + " (1, '', 'john@"
            + d1
            + "'), (2, 'info', 'john@"
            + d1
            + "'),"
            + " (1, 'team', 'john@"
            + d1
            + "'), (1, 'team', 'jane@"
            + d1
            + "');\n"
            + "INSERT INTO fetchmail_accounts (user_id, config_host, config_protocol, config_port,"
            + " config_username, config_password, config_ssl, config_verify_ssl) VALUES"
            + " (1, 'pop.provider.example', 'POP3', 995, 'john.remote', 'remote secret', 1, 1),"
            + " (8, 'imap.provider.example', 'imap', 143, 'jane.remote', 'jane secret', 0, 1);\n");

    // --- dry run: every row listed, nothing changed ---
    String seedBefore = SeedDatabase.checksums();
    JsonPath plan = runImport(true, null);
    assertEquals("plan", plan.getString("state"), plan.prettyPrint());
    Map<String, Map<String, Object>> planned = items(plan.getLong("id"));
    assertEquals("create", planned.get("domain " + d1).get("action"));
    assertEquals("create", planned.get("domain " + d2).get("action"));
    assertEquals("skip", planned.get("domain " + d3 + ".").get("action"));
    assertTrue(planned.get("domain " + d3 + ".").get("reason").toString().contains("trailing dot"));
    assertEquals("create", planned.get("mailbox john@" + d1).get("action"));
    assertEquals("create", planned.get("mailbox noreply@" + d1).get("action"));
    assertTrue(skipReason(planned, "mailbox bad name@" + d1).contains("invalid local part"));
    assertTrue(skipReason(planned, "mailbox nopass@" + d1).contains("empty password"));
    assertTrue(skipReason(planned, "mailbox homeless@?").contains("domain_id NULL"));
    assertTrue(skipReason(planned, "mailbox ghost@?").contains("mail_domains#99 does not exist"));
    assertTrue(skipReason(planned, "mailbox dotted@?").contains("mail_domains#3 is skipped"));
    assertTrue(skipReason(planned, "alias lost@?").contains("does not exist"));
    assertTrue(skipReason(planned, "fetchmail ?|pop.orphan.example|x").contains("does not exist"));
    assertEquals("create", planned.get("dkim " + d2).get("action"));
    assertEquals("create", planned.get("dkim " + d1).get("action"));
    assertEquals("create", planned.get("alias @" + d1).get("action"));
    assertEquals(
        "create",
        planned.get("fetchmail john@" + d1 + "|pop.provider.example|john.remote").get("action"));
    admin().get("/api/v1/mailboxes/john@" + d1).then().statusCode(404);
    // every seed row is accounted for (objects of earlier imports into this database are "gone")
    long mailboxLines =
        planned.entrySet().stream()
            .filter(e -> e.getKey().startsWith("mailbox ") && e.getValue().get("seedRow") != null)
            .count();
    assertEquals(9, mailboxLines);

    // --- import ---
    JsonPath done = runImport(false, Map.of("emptyPasswords", "no-login"));
    assertEquals("done", done.getString("state"), done.prettify());
    // The import only reads the seed: its rows are as they were, byte for byte.
    assertEquals(seedBefore, SeedDatabase.checksums());
    admin()
        .get("/api/v1/mailboxes/john@" + d1)
        .then()
        .statusCode(200)
        .body("quotaMb", equalTo(2048))
        .body("admin", equalTo(true))
        .body("domainAdmin", equalTo(false));
    admin()
        .get("/api/v1/mailboxes/old@" + d2)
        .then()
        .body("enabled", equalTo(false))
        .body("domainAdmin", equalTo(true));
    admin().get("/api/v1/mailboxes/nopass@" + d1).then().statusCode(200);
    admin()
        .get("/api/v1/aliases/sales@" + d1)
        .then()
        .body("destinations", containsInAnyOrder("john@" + d1, "someone@external.example"));
    admin()
        .get("/api/v1/domains/" + d1 + "/dkim")
        .then()
        .statusCode(200)
        .body("selector", equalTo("dkim"));
    // The seed's switched-off key is kept, off; switching DKIM on uses it (DNS stays valid).
    admin().get("/api/v1/domains/" + d2 + "/dkim").then().statusCode(404);
    String seedPublicKey = io.mailplane.dkim.DkimService.publicKeyOf(key2);
    admin()
        .body(Map.of())
        .put("/api/v1/domains/" + d2 + "/dkim")
        .then()
        .statusCode(201)
        .body("selectors[0].publicKey", equalTo(seedPublicKey));
    JsonPath accounts =
        admin()
            .queryParam("mailbox", "jane@" + d1)
            .get("/api/v1/fetchmail-accounts")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertEquals(1, accounts.getList("items").size());
    assertEquals("starttls", accounts.getString("items[0].tls"));
    assertFalse(accounts.getBoolean("items[0].enabled"));
    long janeAccount = accounts.getLong("items[0].id");

    // --- changes on both sides ---
    admin()
        .contentType("application/merge-patch+json")
        .body(Map.of("enabled", false))
        .patch("/api/v1/mailboxes/john@" + d1)
        .then()
        .statusCode(200);
    admin()
        .contentType("application/merge-patch+json")
        .body(Map.of("quotaMb", 700))
        .patch("/api/v1/mailboxes/jane@" + d1)
        .then()
        .statusCode(200);
    admin()
        .contentType("application/merge-patch+json")
        .body(Map.of("destinations", List.of("john@" + d1)))
        .patch("/api/v1/aliases/sales@" + d1)
        .then()
        .statusCode(200);
    admin().delete("/api/v1/aliases/info@" + d2).then().statusCode(204);
    SeedDatabase.exec(
        "UPDATE mail_users SET quota = 4096 WHERE id = 1;\n"
            + "UPDATE mail_users SET quota = 900 WHERE id = 8;\n"
            + "INSERT INTO mail_users (id, domain_id, name, password, admin, domain_admin, enabled,"
            + " send_only, quota) VALUES (10, 1, 'newbie', '"
            + SeedDatabase.HASH
            + "', 0, 0, 1, 0, 10);\n"
            + "INSERT INTO mail_aliases (domain_id, name, destination) VALUES (1, 'sales', 'newbie@"
            + d1
            + "');\n"
            + "UPDATE fetchmail_accounts SET config_password = 'jane new secret', config_port = 1143 WHERE user_id = 8;\n"
            + "DELETE FROM mail_aliases WHERE name = 'team';\n");

    JsonPath second = runImport(false, Map.of("emptyPasswords", "no-login"));
    assertEquals("done", second.getString("state"), second.prettify());
    Map<String, Map<String, Object>> outcome = items(second.getLong("id"));
    // the seed changed john's quota, mailplane his enabled flag: both kept
    admin()
        .get("/api/v1/mailboxes/john@" + d1)
        .then()
        .body("quotaMb", equalTo(4096))
        .body("enabled", equalTo(false));
    // both changed jane's quota: mailplane's value stays, reported as a conflict
    admin().get("/api/v1/mailboxes/jane@" + d1).then().body("quotaMb", equalTo(700));
    assertEquals("conflict", outcome.get("mailbox jane@" + d1).get("action"));
    // sets merge: mailplane removed someone@, the seed added newbie@
    admin()
        .get("/api/v1/aliases/sales@" + d1)
        .then()
        .body("destinations", containsInAnyOrder("john@" + d1, "newbie@" + d1));
    admin().get("/api/v1/aliases/info@" + d2).then().statusCode(404);
    assertEquals("kept-deleted", outcome.get("alias info@" + d2).get("action"));
    assertEquals("gone", outcome.get("alias team@" + d1).get("action"));
    admin().get("/api/v1/aliases/team@" + d1).then().statusCode(200);
    admin().get("/api/v1/mailboxes/newbie@" + d1).then().statusCode(200);
    admin().get("/api/v1/fetchmail-accounts/" + janeAccount).then().body("port", equalTo(1143));
    assertEquals(
        "update",
        outcome.get("fetchmail jane@" + d1 + "|imap.provider.example|jane.remote").get("action"));
    assertFalse(outcome.toString().contains("jane new secret"));

    // --- a third run changes nothing and duplicates nothing ---
    JsonPath third = runImport(false, Map.of("emptyPasswords", "no-login"));
    assertEquals("done", third.getString("state"));
    Map<String, Map<String, Object>> again = items(third.getLong("id"));
    List<String> writes =
        again.entrySet().stream()
            .filter(e -> List.of("create", "update").contains(e.getValue().get("action")))
            .map(Map.Entry::getKey)
            .collect(Collectors.toList());
    assertEquals(List.of(), writes);
    assertEquals(
        1,
        admin()
            .queryParam("mailbox", "jane@" + d1)
            .get("/api/v1/fetchmail-accounts")
            .then()
            .extract()
            .jsonPath()
            .getList("items")
            .size());
  }

  private static String skipReason(Map<String, Map<String, Object>> items, String key) {
    Map<String, Object> item = items.get(key);
    if (item == null) {
      throw new AssertionError("no item " + key + " in " + items.keySet());
    }
    assertEquals("skip", item.get("action"), item.toString());
    return item.get("reason").toString();
  }

  @Test
  void failedObjectsResumeOnTheNextRun() throws Exception {
    String d = TestApi.createDomain(Map.of("limits", Map.of("maxMailboxes", 1)));
    SeedDatabase.reset();
    SeedDatabase.exec(
        "INSERT INTO mail_domains (id, name, dkim_enabled, dkim_selector, dkim_private_key) VALUES"
            + " (1, '"
            + d
            + "', 0, 'dkim', '');\n"
            + "INSERT INTO mail_users (id, domain_id, name, password, admin, domain_admin, enabled,"
            + " send_only, quota) VALUES"
            + " (1, 1, 'a', '"
            + SeedDatabase.HASH
            + "', 0, 0, 1, 0, 0),"
            + " (2, 1, 'b', '"
            + SeedDatabase.HASH
            + "', 0, 0, 1, 0, 0),"
            + " (3, 1, 'c', '"
            + SeedDatabase.HASH
            + "', 0, 0, 1, 0, 0);\n");
    JsonPath first = runImport(false, null);
    assertEquals("failed", first.getString("state"));
    Map<String, Map<String, Object>> items = items(first.getLong("id"));
    assertEquals("done", items.get("mailbox a@" + d).get("outcome"));
    @SuppressWarnings("unchecked")
    Map<String, Object> problem = (Map<String, Object>) items.get("mailbox b@" + d).get("problem");
    assertEquals("urn:mailplane:problem:mailbox-limit-reached", problem.get("type"));
    assertEquals(1, first.getInt("counts.mailbox.done"));
    assertEquals(2, first.getInt("counts.mailbox.failed"));

    admin()
        .contentType("application/merge-patch+json")
        .body(Map.of("limits", Map.of("maxMailboxes", 10)))
        .patch("/api/v1/domains/" + d)
        .then()
        .statusCode(200);
    JsonPath resumed = runImport(false, null);
    assertEquals("done", resumed.getString("state"));
    Map<String, Map<String, Object>> after = items(resumed.getLong("id"));
    assertEquals("unchanged", after.get("mailbox a@" + d).get("action"));
    assertEquals("create", after.get("mailbox b@" + d).get("action"));
    assertEquals("done", after.get("mailbox c@" + d).get("outcome"));
  }

  @Test
  void hostileSourcesAreRefusedWithAClearProblem() throws Exception {
    SeedDatabase.reset();
    for (String url :
        List.of(
            "jdbc:h2:mem:x",
            "jdbc:postgresql://127.0.0.1/x?sslfactory=x.Y",
            "jdbc:postgresql://127.0.0.1/x?sslkey=/etc/shadow",
            "jdbc:postgresql://127.0.0.1/x?sslMode=trust",
            "jdbc:postgresql://127.0.0.1,127.0.0.2/x",
            "jdbc:mariadb://127.0.0.1:3306/db?allowLocalInfile=true",
            "jdbc:mariadb://127.0.0.1:3306/db?serverSslCert=/etc/passwd",
            "jdbc:mariadb://127.0.0.1:3306/db?socketFactory=x.Y",
            "jdbc:mariadb://user:pw@127.0.0.1/db",
            "jdbc:mariadb:replication://a,b/db",
            "jdbc:mariadb://127.0.0.1:99999/db")) {
      Map<String, Object> body = request(true, null);
      body.put("source", Map.of("url", url, "username", "u", "password", "topsecret"));
      admin()
          .body(body)
          .post("/api/v1/imports")
          .then()
          .statusCode(400)
          .body("type", equalTo("urn:mailplane:problem:validation-failed"))
          .body("errors[0].field", equalTo("source.url"))
          .body(not(containsString("topsecret")))
          .body(not(containsString("pw@")));
    }
    // Nothing listens there: a clear problem, no password in it.
    Map<String, Object> closed = request(true, null);
    closed.put(
        "source",
        Map.of(
            "url",
            "jdbc:mariadb://127.0.0.1:9/seed?connectTimeout=3000",
            "username",
            "u",
            "password",
            "topsecret"));
    admin()
        .body(closed)
        .post("/api/v1/imports")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("source"))
        .body("detail", containsString("cannot connect"))
        .body(not(containsString("topsecret")));
    // Wrong password.
    Map<String, Object> wrong = request(true, null);
    wrong.put(
        "source",
        Map.of(
            "url",
            SeedDatabase.URL,
            "username",
            SeedDatabase.USER,
            "password",
            "wrong-password-123"));
    admin()
        .body(wrong)
        .post("/api/v1/imports")
        .then()
        .statusCode(400)
        .body(not(containsString("wrong-password-123")));
    // A database that is not a seed's: mailplane's own (its mail_* views lack the seed's columns).
    String own =
        System.getenv()
            .getOrDefault("MAILPLANE_TEST_DB_URL", "jdbc:mariadb://127.0.0.1:3306/mailplane_test");
    Map<String, Object> notSeed = request(true, null);
    notSeed.put(
        "source",
        Map.of("url", own, "username", SeedDatabase.USER, "password", SeedDatabase.PASSWORD));
    admin()
        .body(notSeed)
        .post("/api/v1/imports")
        .then()
        .statusCode(400)
        .body("detail", containsString("not a seed"));
  }

  @Test
  void accessAndMissingJobs() throws Exception {
    io.restassured.RestAssured.given()
        .contentType("application/json")
        .body(request(true, null))
        .post("/api/v1/imports")
        .then()
        .statusCode(401);
    String d = TestApi.createDomain();
    TestApi.as(TestApi.token("domain:" + d))
        .body(request(true, null))
        .post("/api/v1/imports")
        .then()
        .statusCode(403);
    TestApi.as(TestApi.token("read")).get("/api/v1/imports/1").then().statusCode(403);
    admin().get("/api/v1/imports/999999999").then().statusCode(404);
    admin().get("/api/v1/imports/999999999/items").then().statusCode(404);
    admin().body(Map.of("dryRun", true)).post("/api/v1/imports").then().statusCode(400);
  }

  @Test
  void oneImportAtATime() throws Exception {
    SeedDatabase.reset();
    long busy =
        QuarkusTransaction.requiringNew()
            .call(
                () -> {
                  ImportJob job = new ImportJob();
                  job.state = ImportJob.RUNNING;
                  job.dryRun = false;
                  job.source = "jdbc:mariadb://elsewhere:3306/seed";
                  job.optionsJson = "{}";
                  job.createdBy = "test";
                  job.createdAt = Timestamps.now();
                  job.heartbeatAt = Timestamps.now();
                  job.persist();
                  return job.id;
                });
    try {
      admin()
          .body(request(true, null))
          .post("/api/v1/imports")
          .then()
          .statusCode(409)
          .body("detail", containsString("import " + busy));
    } finally {
      QuarkusTransaction.requiringNew()
          .run(
              () -> {
                ImportJob job = ImportJob.findById(busy);
                job.state = ImportJob.FAILED;
                job.finishedAt = Timestamps.now();
              });
    }
  }
}
