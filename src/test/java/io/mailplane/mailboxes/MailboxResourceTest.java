package io.mailplane.mailboxes;

import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.createDomain;
import static io.mailplane.TestApi.createMailbox;
import static io.mailplane.TestApi.uniqueDomain;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

@QuarkusTest
class MailboxResourceTest {
  private static final String PROBLEM = "application/problem+json";
  private static final String PASSWORD = "Sup3r-Secret-Passw0rd";
  private static final String BCRYPT =
      "$2y$11$abcdefghijklmnopqrstuu6vnWrfvpk8ZBqUBmHVPoOJpZ5rSrXsS";
  private static final String SHA512 =
      "{SHA512-CRYPT}$6$saltsaltsalt$VY2cSQvEbNpFpLJZdJp4H5b.FkdeKn0FdFo3y2ZZcXSVcTsdFKY9iTz7Ut1csqFT5VDP/u6niQ0PydqdODs/K0";
  private static final String ARGON2ID =
      "{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$c29tZXNhbHRzb21lc2FsdA$"
          + "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXphYmNkZWY";

  private static Map<String, Object> body(Object... keyValues) {
    Map<String, Object> body = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      body.put((String) keyValues[i], keyValues[i + 1]);
    }
    return body;
  }

  @Test
  void createReadReplacePatchDelete() {
    String domain = createDomain();
    String address = "john.doe@" + domain;
    String etag =
        admin()
            .body(
                body(
                    "address",
                    "John.Doe@" + domain.toUpperCase(),
                    "password",
                    PASSWORD,
                    "displayName",
                    "  John Doe  "))
            .post("/api/v1/mailboxes")
            .then()
            .statusCode(201)
            .header("Location", endsWith("/api/v1/mailboxes/" + address))
            .header("ETag", notNullValue())
            .body("address", equalTo(address))
            .body("domain", equalTo(domain))
            .body("displayName", equalTo("John Doe"))
            .body("quotaMb", equalTo(0))
            .body("enabled", equalTo(true))
            .body("sendOnly", equalTo(false))
            .body("passwordScheme", equalTo("BLF-CRYPT"))
            .body("$", not(hasKey("password")))
            .body("$", not(hasKey("passwordHash")))
            .body("version", notNullValue())
            .extract()
            .header("ETag");

    admin()
        .get("/api/v1/mailboxes/" + address.toUpperCase())
        .then()
        .statusCode(200)
        .header("ETag", equalTo(etag))
        .body("address", equalTo(address));

    // PUT replaces: absent fields go back to their defaults, an absent password keeps the old one.
    String etag2 =
        admin()
            .header("If-Match", etag)
            .body(body("displayName", "Johnny", "quotaMb", 100, "sendOnly", true))
            .put("/api/v1/mailboxes/" + address)
            .then()
            .statusCode(200)
            .body("displayName", equalTo("Johnny"))
            .body("quotaMb", equalTo(100))
            .body("sendOnly", equalTo(true))
            .body("passwordScheme", equalTo("BLF-CRYPT"))
            .extract()
            .header("ETag");
    assertNotEquals(etag, etag2);

    admin()
        .header("If-Match", etag2)
        .contentType("application/merge-patch+json")
        .body(Map.of("enabled", false))
        .patch("/api/v1/mailboxes/" + address)
        .then()
        .statusCode(200)
        .body("enabled", equalTo(false))
        .body("displayName", equalTo("Johnny"))
        .body("quotaMb", equalTo(100))
        .body("sendOnly", equalTo(true));

    // application/json is treated as a merge patch too: null removes.
    admin()
        .body("{\"displayName\":null,\"sendOnly\":false}")
        .patch("/api/v1/mailboxes/" + address)
        .then()
        .statusCode(200)
        .body("displayName", nullValue())
        .body("sendOnly", equalTo(false))
        .body("enabled", equalTo(false));

    admin()
        .header("If-Match", etag2)
        .contentType("application/merge-patch+json")
        .body(Map.of("enabled", true))
        .patch("/api/v1/mailboxes/" + address)
        .then()
        .statusCode(412)
        .contentType(PROBLEM)
        .body("type", equalTo("urn:mailplane:problem:precondition-failed"));

    admin().header("If-Match", etag).delete("/api/v1/mailboxes/" + address).then().statusCode(412);
    admin().delete("/api/v1/mailboxes/" + address).then().statusCode(204);
    admin()
        .delete("/api/v1/mailboxes/" + address)
        .then()
        .statusCode(404)
        .contentType(PROBLEM)
        .body("type", equalTo("urn:mailplane:problem:not-found"));
    admin().get("/api/v1/mailboxes/" + address).then().statusCode(404);
  }

  @Test
  void duplicateCreateIsConflict() {
    String domain = createDomain();
    createMailbox("dup@" + domain, PASSWORD);
    admin()
        .body(body("address", "DUP@" + domain, "password", PASSWORD))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(409)
        .contentType(PROBLEM)
        .body("type", equalTo("urn:mailplane:problem:already-exists"));
  }

  @Test
  void putCreatesThenReplacesAndHonoursPreconditions() {
    String domain = createDomain();
    String address = "put@" + domain;
    admin()
        .body(body("displayName", "no password"))
        .put("/api/v1/mailboxes/" + address)
        .then()
        .statusCode(400)
        .contentType(PROBLEM)
        .body("errors.field", hasItem("password"));
    admin()
        .header("If-Match", "\"1\"")
        .body(body("password", PASSWORD))
        .put("/api/v1/mailboxes/" + address)
        .then()
        .statusCode(412);
    admin()
        .header("If-None-Match", "*")
        .body(body("password", PASSWORD))
        .put("/api/v1/mailboxes/" + address)
        .then()
        .statusCode(201)
        .header("Location", endsWith("/api/v1/mailboxes/" + address));
    admin()
        .header("If-None-Match", "*")
        .body(body("password", PASSWORD))
        .put("/api/v1/mailboxes/" + address)
        .then()
        .statusCode(412);
    admin()
        .body(body("address", "other@" + domain, "password", PASSWORD))
        .put("/api/v1/mailboxes/" + address)
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("address"));
    admin()
        .body(body("address", address.toUpperCase(), "displayName", "echoed key"))
        .put("/api/v1/mailboxes/" + address)
        .then()
        .statusCode(200)
        .body("displayName", equalTo("echoed key"));
  }

  @Test
  void echoingTheResponseBackIsNotAChange() {
    String domain = createDomain();
    String address = "echo@" + domain;
    Map<String, Object> created =
        admin()
            .body(body("address", address, "password", PASSWORD, "displayName", "Echo"))
            .post("/api/v1/mailboxes")
            .then()
            .statusCode(201)
            .extract()
            .as(Map.class);
    // Read-only fields in a PUT body are ignored, and the same password keeps the same hash.
    Map<String, Object> echoed = new HashMap<>(created);
    echoed.put("password", PASSWORD);
    int version =
        admin()
            .body(echoed)
            .put("/api/v1/mailboxes/" + address)
            .then()
            .statusCode(200)
            .extract()
            .path("version");
    assertEquals(((Number) created.get("version")).intValue(), version);
    List<String> actions =
        admin()
            .queryParam("resourceKey", address)
            .get("/api/v1/audit-events")
            .then()
            .statusCode(200)
            .extract()
            .path("items.action");
    assertEquals(List.of("mailbox.create"), actions);
  }

  @Test
  void passwordIsWriteOnlyEverywhere() {
    String domain = createDomain();
    String address = "secret@" + domain;
    String first = "First-Secret-" + System.nanoTime();
    String second = "Second-Secret-" + System.nanoTime();
    List<String> bodies = new ArrayList<>();
    bodies.add(
        admin()
            .body(body("address", address, "password", first))
            .post("/api/v1/mailboxes")
            .then()
            .statusCode(201)
            .extract()
            .asString());
    bodies.add(
        admin()
            .contentType("application/merge-patch+json")
            .body(Map.of("password", second))
            .patch("/api/v1/mailboxes/" + address)
            .then()
            .statusCode(200)
            .extract()
            .asString());
    bodies.add(
        admin()
            .body(body("password", first, "quotaMb", 10))
            .put("/api/v1/mailboxes/" + address)
            .then()
            .statusCode(200)
            .extract()
            .asString());
    bodies.add(
        admin()
            .contentType("application/merge-patch+json")
            .body(Map.of("passwordHash", BCRYPT))
            .patch("/api/v1/mailboxes/" + address)
            .then()
            .statusCode(200)
            .body("passwordScheme", equalTo("BLF-CRYPT"))
            .extract()
            .asString());
    bodies.add(admin().get("/api/v1/mailboxes/" + address).then().extract().asString());
    bodies.add(
        admin()
            .queryParam("domain", domain)
            .get("/api/v1/mailboxes")
            .then()
            .statusCode(200)
            .body("items.address", hasItem(address))
            .extract()
            .asString());
    String audit =
        admin()
            .queryParam("resourceKey", address)
            .get("/api/v1/audit-events")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    bodies.add(audit);
    List<String> actions =
        admin()
            .queryParam("resourceKey", address)
            .get("/api/v1/audit-events")
            .then()
            .extract()
            .path("items.action");
    // newest first
    assertEquals(
        List.of(
            "mailbox.password-change",
            "mailbox.update",
            "mailbox.password-change",
            "mailbox.create"),
        actions);
    // A password that fails the policy is reported without being echoed.
    bodies.add(
        admin()
            .contentType("application/merge-patch+json")
            .body(Map.of("password", "sh\nort"))
            .patch("/api/v1/mailboxes/" + address)
            .then()
            .statusCode(400)
            .body("errors.field", hasItem("password"))
            .extract()
            .asString());
    for (String text : bodies) {
      assertFalse(text.contains(first), text);
      assertFalse(text.contains(second), text);
      assertFalse(text.contains("sh\\nort"), text);
      assertFalse(text.contains("$2y$"), text);
      assertFalse(text.contains("abcdefghijklmnopqrstuu"), text);
      assertFalse(text.contains("\"password\":"), text);
      assertFalse(text.contains("\"passwordHash\":"), text);
    }
  }

  @Test
  void importedHashesAreValidated() {
    String domain = createDomain();
    Map<String, String> good =
        Map.of(
            BCRYPT,
            "BLF-CRYPT",
            SHA512,
            "SHA512-CRYPT",
            ARGON2ID,
            "ARGON2ID",
            "{BLF-CRYPT}" + BCRYPT,
            "BLF-CRYPT");
    int i = 0;
    for (Map.Entry<String, String> entry : good.entrySet()) {
      String address = "import" + i++ + "@" + domain;
      String response =
          admin()
              .body(body("address", address, "passwordHash", " " + entry.getKey() + " "))
              .post("/api/v1/mailboxes")
              .then()
              .statusCode(201)
              .body("passwordScheme", equalTo(entry.getValue()))
              .body("$", not(hasKey("passwordHash")))
              .extract()
              .asString();
      assertFalse(response.contains(entry.getKey()), response);
    }
    for (String bad :
        List.of(
            "plaintext-password",
            "{PLAIN}x",
            "{PLAIN}" + BCRYPT,
            "{CLEARTEXT}secret",
            "{MD5}1B2M2Y8AsgTpgAmY7PhCfg==",
            "$1$salt$qJH7.N4xYta3aEG/dfqo/0",
            "{SHA512-CRYPT}$6$salt$short",
            "$2y$11$tooshort",
            "garbage $2y$ garbage",
            BCRYPT + "\n{PLAIN}x")) {
      admin()
          .body(body("address", "bad@" + domain, "passwordHash", bad))
          .post("/api/v1/mailboxes")
          .then()
          .statusCode(400)
          .contentType(PROBLEM)
          .body("type", equalTo("urn:mailplane:problem:validation-failed"))
          .body("errors.field", hasItem("passwordHash"));
      // Also on an existing mailbox.
      admin()
          .contentType("application/merge-patch+json")
          .body(Map.of("passwordHash", bad))
          .patch("/api/v1/mailboxes/import0@" + domain)
          .then()
          .statusCode(400)
          .body("errors.field", hasItem("passwordHash"));
    }
    admin().get("/api/v1/mailboxes/bad@" + domain).then().statusCode(404);
    admin()
        .body(body("address", "both@" + domain, "password", PASSWORD, "passwordHash", BCRYPT))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("passwordHash"));
    admin()
        .body(body("address", "none@" + domain))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("password"));
  }

  @Test
  void quotaDefaultsToTheDomainDefault() {
    String domain = createDomain(Map.of("limits", Map.of("defaultQuotaMb", 512)));
    admin()
        .body(body("address", "a@" + domain, "password", PASSWORD))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(201)
        .body("quotaMb", equalTo(512));
    admin()
        .body(body("address", "b@" + domain, "password", PASSWORD, "quotaMb", 0))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(201)
        .body("quotaMb", equalTo(0));
    admin()
        .body(body("address", "c@" + domain, "password", PASSWORD, "quotaMb", 100))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(201)
        .body("quotaMb", equalTo(100));
    admin()
        .contentType("application/merge-patch+json")
        .body("{\"quotaMb\":null}")
        .patch("/api/v1/mailboxes/c@" + domain)
        .then()
        .statusCode(200)
        .body("quotaMb", equalTo(512));
    String plain = createDomain();
    admin()
        .body(body("address", "a@" + plain, "password", PASSWORD))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(201)
        .body("quotaMb", equalTo(0));
  }

  @Test
  void maxQuotaIsEnforced() {
    String domain =
        createDomain(Map.of("limits", Map.of("maxQuotaMb", 1000, "defaultQuotaMb", 500)));
    admin()
        .body(body("address", "ok@" + domain, "password", PASSWORD))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(201)
        .body("quotaMb", equalTo(500));
    admin()
        .body(body("address", "max@" + domain, "password", PASSWORD, "quotaMb", 1000))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(201);
    for (int quota : new int[] {1001, 0}) {
      admin()
          .body(body("address", "big@" + domain, "password", PASSWORD, "quotaMb", quota))
          .post("/api/v1/mailboxes")
          .then()
          .statusCode(409)
          .contentType(PROBLEM)
          .body("type", equalTo("urn:mailplane:problem:quota-limit-exceeded"));
      admin()
          .body(body("password", PASSWORD, "quotaMb", quota))
          .put("/api/v1/mailboxes/big@" + domain)
          .then()
          .statusCode(409)
          .body("type", equalTo("urn:mailplane:problem:quota-limit-exceeded"));
      admin()
          .contentType("application/merge-patch+json")
          .body(Map.of("quotaMb", quota))
          .patch("/api/v1/mailboxes/ok@" + domain)
          .then()
          .statusCode(409)
          .body("type", equalTo("urn:mailplane:problem:quota-limit-exceeded"));
    }
    admin().get("/api/v1/mailboxes/big@" + domain).then().statusCode(404);
    admin().get("/api/v1/mailboxes/ok@" + domain).then().body("quotaMb", equalTo(500));
  }

  @Test
  void maxMailboxesIsEnforced() {
    String domain = createDomain(Map.of("limits", Map.of("maxMailboxes", 2)));
    createMailbox("one@" + domain, PASSWORD);
    createMailbox("two@" + domain, PASSWORD);
    admin()
        .body(body("address", "three@" + domain, "password", PASSWORD))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(409)
        .contentType(PROBLEM)
        .body("type", equalTo("urn:mailplane:problem:mailbox-limit-reached"));
    admin()
        .body(body("password", PASSWORD))
        .put("/api/v1/mailboxes/three@" + domain)
        .then()
        .statusCode(409)
        .body("type", equalTo("urn:mailplane:problem:mailbox-limit-reached"));
    // Replacing an existing mailbox at the limit is fine.
    admin()
        .body(body("displayName", "Two"))
        .put("/api/v1/mailboxes/two@" + domain)
        .then()
        .statusCode(200);
    admin().delete("/api/v1/mailboxes/one@" + domain).then().statusCode(204);
    createMailbox("three@" + domain, PASSWORD);

    String none = createDomain(Map.of("limits", Map.of("maxMailboxes", 0)));
    admin()
        .body(body("address", "a@" + none, "password", PASSWORD))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(409)
        .body("type", equalTo("urn:mailplane:problem:mailbox-limit-reached"));
  }

  @Test
  void loweringDomainLimitsBelowUsageIsRefused() {
    String domain = createDomain();
    createMailbox("a@" + domain, PASSWORD);
    createMailbox("b@" + domain, PASSWORD);
    admin()
        .body(body("address", "big@" + domain, "password", PASSWORD, "quotaMb", 800))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(201);
    admin()
        .contentType("application/merge-patch+json")
        .body(Map.of("limits", Map.of("maxMailboxes", 2)))
        .patch("/api/v1/domains/" + domain)
        .then()
        .statusCode(409)
        .contentType(PROBLEM)
        .body("type", equalTo("urn:mailplane:problem:limit-below-usage"));
    admin()
        .body(Map.of("limits", Map.of("maxMailboxes", 1)))
        .put("/api/v1/domains/" + domain)
        .then()
        .statusCode(409)
        .body("type", equalTo("urn:mailplane:problem:limit-below-usage"));
    // a and b have no quota (unlimited): any maxQuotaMb is below their usage.
    admin()
        .contentType("application/merge-patch+json")
        .body(Map.of("limits", Map.of("maxQuotaMb", 10000, "defaultQuotaMb", 100)))
        .patch("/api/v1/domains/" + domain)
        .then()
        .statusCode(409)
        .body("type", equalTo("urn:mailplane:problem:limit-below-usage"));
    admin()
        .contentType("application/merge-patch+json")
        .body(Map.of("quotaMb", 100))
        .patch("/api/v1/mailboxes/a@" + domain)
        .then()
        .statusCode(200);
    admin()
        .contentType("application/merge-patch+json")
        .body(Map.of("quotaMb", 100))
        .patch("/api/v1/mailboxes/b@" + domain)
        .then()
        .statusCode(200);
    admin()
        .contentType("application/merge-patch+json")
        .body(Map.of("limits", Map.of("maxQuotaMb", 500, "defaultQuotaMb", 100)))
        .patch("/api/v1/domains/" + domain)
        .then()
        .statusCode(409)
        .body("type", equalTo("urn:mailplane:problem:limit-below-usage"));
    // Nothing was changed by the refused updates.
    admin()
        .get("/api/v1/domains/" + domain)
        .then()
        .body("limits.maxMailboxes", nullValue())
        .body("limits.maxQuotaMb", nullValue());
    // Exactly at usage is allowed.
    admin()
        .contentType("application/merge-patch+json")
        .body(Map.of("limits", Map.of("maxMailboxes", 3, "maxQuotaMb", 800, "defaultQuotaMb", 100)))
        .patch("/api/v1/domains/" + domain)
        .then()
        .statusCode(200)
        .body("limits.maxMailboxes", equalTo(3))
        .body("limits.maxQuotaMb", equalTo(800));
  }

  @Test
  void mailboxInUnknownDomainIsNotFound() {
    String missing = uniqueDomain();
    admin()
        .body(body("address", "x@" + missing, "password", PASSWORD))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(404)
        .contentType(PROBLEM)
        .body("type", equalTo("urn:mailplane:problem:not-found"));
    admin()
        .body(body("password", PASSWORD))
        .put("/api/v1/mailboxes/x@" + missing)
        .then()
        .statusCode(404)
        .contentType(PROBLEM);
    admin().get("/api/v1/mailboxes/x@" + missing).then().statusCode(404);
    admin()
        .contentType("application/merge-patch+json")
        .body(Map.of("enabled", false))
        .patch("/api/v1/mailboxes/x@" + missing)
        .then()
        .statusCode(404);
    admin().delete("/api/v1/mailboxes/x@" + missing).then().statusCode(404);
    // A mailbox cannot live in an alias domain either.
    String target = createDomain();
    String aliasDomain = uniqueDomain();
    admin()
        .body(Map.of("name", aliasDomain, "targetDomain", target))
        .post("/api/v1/alias-domains")
        .then()
        .statusCode(201);
    admin()
        .body(body("address", "x@" + aliasDomain, "password", PASSWORD))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(404);
  }

  @Test
  void invalidAddressesAreRejected() {
    String domain = createDomain();
    for (String address :
        List.of(
            "",
            "no-at-sign",
            "@" + domain,
            "a..b@" + domain,
            ".a@" + domain,
            "a.@" + domain,
            "a b@" + domain,
            "a%b@" + domain,
            "a/b@" + domain,
            "jöhn@" + domain,
            "x".repeat(65) + "@" + domain,
            "a@b@" + domain,
            "a@-bad-.example")) {
      admin()
          .body(body("address", address, "password", PASSWORD))
          .post("/api/v1/mailboxes")
          .then()
          .statusCode(400)
          .contentType(PROBLEM)
          .body("errors.field", hasItem("address"));
    }
    admin()
        .body(body("password", PASSWORD))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("address"));
  }

  // --- lists ---

  private static Response list(Map<String, Object> query) {
    return admin().queryParams(query).get("/api/v1/mailboxes");
  }

  private static String nextLink(Response response) {
    String link = response.header("Link");
    if (link == null) {
      return null;
    }
    Matcher m = Pattern.compile("^<([^>]+)>; rel=\"next\"$").matcher(link);
    assertTrue(m.matches(), link);
    return m.group(1);
  }

  @Test
  void keysetPaginationSurvivesInsertsBetweenPages() {
    String domain = createDomain();
    List<String> initial = new ArrayList<>();
    for (String local : List.of("b1", "b3", "b5", "b7", "b9", "c1", "c3")) {
      createMailbox(local + "@" + domain, PASSWORD);
      initial.add(local + "@" + domain);
    }
    List<String> seen = new ArrayList<>();
    Set<String> insertedAhead = new LinkedHashSet<>();
    Response page = list(Map.of("domain", domain, "limit", 3));
    int pages = 0;
    while (true) {
      page.then().statusCode(200);
      List<String> items = page.path("items.address");
      String next = page.path("next");
      assertTrue(items.size() <= 3);
      seen.addAll(items);
      pages++;
      if (next == null) {
        assertNull(page.header("Link"), "no Link on the last page");
        break;
      }
      String link = nextLink(page);
      assertNotNull(link, "Link: rel=next when there is a next page");
      assertTrue(link.contains("after=" + next), link);
      assertTrue(link.contains("limit=3"), link);
      assertTrue(link.contains("domain=" + domain), link);
      // Inserts between pages: one behind the cursor (must not appear), one ahead (must appear).
      String last = items.get(items.size() - 1);
      String behind = "a" + pages + "@" + domain;
      String ahead = "c" + pages + "x@" + domain;
      createMailbox(behind, PASSWORD);
      if (ahead.compareTo(last) > 0) {
        createMailbox(ahead, PASSWORD);
        insertedAhead.add(ahead);
      }
      // Follow the Link header exactly as given.
      page = admin().urlEncodingEnabled(false).get(link);
      assertTrue(pages < 10, "pagination does not end");
    }
    assertEquals(new LinkedHashSet<>(seen).size(), seen.size(), "duplicates: " + seen);
    List<String> sorted = new ArrayList<>(seen);
    sorted.sort(null);
    assertEquals(sorted, seen, "pages are in key order");
    assertTrue(seen.containsAll(initial), "skipped: " + seen);
    assertTrue(seen.containsAll(insertedAhead), "skipped inserts: " + seen);
    assertFalse(insertedAhead.isEmpty());
    for (String address : seen) {
      assertFalse(address.startsWith("a"), "an insert behind the cursor showed up: " + address);
    }
    // The complete list now has everything, including the inserts behind the cursors.
    List<String> all = list(Map.of("domain", domain, "limit", 1000)).path("items.address");
    assertEquals(initial.size() + insertedAhead.size() + pages - 1, all.size());
  }

  @Test
  void paginationWithFiltersAndLimitOne() {
    String domain = createDomain();
    for (String local : List.of("alpha1", "alpha2", "alpha3", "beta", "al_pha")) {
      createMailbox(local + "@" + domain, PASSWORD);
    }
    admin()
        .contentType("application/merge-patch+json")
        .body(Map.of("enabled", false))
        .patch("/api/v1/mailboxes/alpha2@" + domain)
        .then()
        .statusCode(200);

    List<String> collected = new ArrayList<>();
    String after = null;
    for (int i = 0; i < 10; i++) {
      Map<String, Object> query = new HashMap<>(Map.of("q", "ALPHA", "limit", 1));
      query.put("domain", domain.toUpperCase());
      if (after != null) {
        query.put("after", after);
      }
      Response page = list(query);
      page.then().statusCode(200);
      collected.addAll(page.path("items.address"));
      after = page.path("next");
      if (after == null) {
        break;
      }
    }
    assertEquals(List.of("alpha1@" + domain, "alpha2@" + domain, "alpha3@" + domain), collected);

    assertEquals(
        List.of("alpha1@" + domain, "alpha3@" + domain),
        list(Map.of("domain", domain, "q", "alpha", "enabled", true)).path("items.address"));
    assertEquals(
        List.of("alpha2@" + domain),
        list(Map.of("domain", domain, "enabled", false)).path("items.address"));
    // LIKE wildcards in q are literal.
    assertEquals(
        List.of("al_pha@" + domain),
        list(Map.of("domain", domain, "q", "al_")).path("items.address"));
    assertEquals(List.of(), list(Map.of("domain", domain, "q", "al%")).path("items.address"));
    assertEquals(List.of(), list(Map.of("domain", domain, "q", "%")).path("items.address"));
    // q matches the whole address, so a domain-wide prefix works without ?domain=.
    assertEquals(
        List.of("beta@" + domain), list(Map.of("q", "beta@" + domain)).path("items.address"));
    // An unknown domain filter is an empty list, not an error.
    list(Map.of("domain", uniqueDomain()))
        .then()
        .statusCode(200)
        .body("items.size()", equalTo(0))
        .body("next", nullValue());
  }

  @Test
  void invalidListParametersAreRejected() {
    for (Map<String, Object> query :
        List.<Map<String, Object>>of(
            Map.of("after", "not-a-cursor!"),
            Map.of("after", "Zm9v"), // base64 of "foo": no cursor prefix
            Map.of("after", "%%%"),
            Map.of("limit", 0),
            Map.of("limit", -1),
            Map.of("limit", 1001),
            Map.of("domain", "not a domain"))) {
      Response response = list(query);
      response.then().statusCode(400).contentType(PROBLEM);
      if (query.containsKey("after")) {
        response.then().body("errors.field", hasItem("after"));
      }
      if (query.containsKey("limit")) {
        response.then().body("errors.field", hasItem("limit"));
      }
    }
    // A cursor of another list still decodes: it just positions the keyset.
    list(Map.of("limit", 1000)).then().statusCode(200);
    RestAssured.given().get("/api/v1/mailboxes").then().statusCode(401).contentType(PROBLEM);
  }
}
