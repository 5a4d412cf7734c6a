package io.mailplane.mailboxes;

import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.as;
import static io.mailplane.TestApi.createDomain;
import static io.mailplane.TestApi.createMailbox;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mailplane.fetchmail.FetchmailApi;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Mailboxes sign in with their mail password and act with the role their flags give. */
@QuarkusTest
class MailboxSignInTest {
  static final String PASSWORD = "Correct-Horse-Battery-9";
  static final String PROBLEM = "application/problem+json";

  static ValidatableResponse signIn(String address, String password) {
    return given()
        .contentType(ContentType.JSON)
        .body(Map.of("address", address, "password", password))
        .post("/api/v1/sessions")
        .then();
  }

  static String tokenOf(String address, String password) {
    return signIn(address, password).statusCode(201).extract().path("token");
  }

  static Map<String, Object> fetchmail(String mailbox) {
    Map<String, Object> body = new HashMap<>();
    body.put("mailbox", mailbox);
    body.put("host", "mail.example.net");
    body.put("protocol", "imap");
    body.put("username", "john.doe");
    body.put("password", "remote-secret");
    body.put("enabled", false);
    return body;
  }

  @Test
  void aUserReachesItsOwnMailboxPasswordAndFetchmailAccountsAndNothingElse() {
    String d = createDomain();
    createMailbox("user@" + d, PASSWORD);
    createMailbox("other@" + d, PASSWORD);
    signIn("USER@" + d.toUpperCase(), PASSWORD)
        .statusCode(201)
        .header("Cache-Control", "no-store")
        .body("token", startsWith("mps_"))
        .body("address", equalTo("user@" + d))
        .body("role", equalTo("self"))
        .body("scopes", contains("self:user@" + d));
    String self = tokenOf("user@" + d, PASSWORD);
    as(self).get("/api/v1/mailboxes/user@" + d).then().statusCode(200);
    as(self).get("/api/v1/sessions/current").then().statusCode(200).body("role", equalTo("self"));

    // Everything else is not there for it, as for a domain token outside its domains.
    for (String path :
        List.of(
            "/api/v1/mailboxes/other@" + d,
            "/api/v1/mailboxes",
            "/api/v1/domains",
            "/api/v1/domains/" + d,
            "/api/v1/aliases",
            "/api/v1/tokens",
            "/api/v1/audit-events",
            "/api/v1/config")) {
      as(self).get(path).then().statusCode(404).contentType(PROBLEM);
    }
    as(self).body(Map.of("quotaMb", 1)).patch("/api/v1/mailboxes/user@" + d).then().statusCode(404);
    as(self).delete("/api/v1/mailboxes/user@" + d).then().statusCode(404);
    as(self)
        .body(Map.of("currentPassword", PASSWORD, "newPassword", "Fresh-Phrase-Orbit-51"))
        .post("/api/v1/mailboxes/other@" + d + "/password")
        .then()
        .statusCode(404)
        .contentType(PROBLEM);
    as(self).body(Map.of("name", "x.example")).post("/api/v1/domains").then().statusCode(404);
    admin().get("/api/v1/mailboxes/user@" + d).then().statusCode(200).body("version", equalTo(0));

    // Its own fetchmail accounts only.
    long mine = FetchmailApi.createAs(self, fetchmail("user@" + d));
    long theirs = FetchmailApi.create(fetchmail("other@" + d));
    as(self)
        .body(fetchmail("other@" + d))
        .post("/api/v1/fetchmail-accounts")
        .then()
        .statusCode(400);
    as(self).get("/api/v1/fetchmail-accounts/" + theirs).then().statusCode(404);
    as(self).delete("/api/v1/fetchmail-accounts/" + theirs).then().statusCode(404);
    as(self)
        .get("/api/v1/fetchmail-accounts")
        .then()
        .statusCode(200)
        .body("items", hasSize(1))
        .body("items[0].id", equalTo((int) mine));
    as(self)
        .contentType("application/merge-patch+json")
        .body(Map.of("mailbox", "other@" + d))
        .patch("/api/v1/fetchmail-accounts/" + mine)
        .then()
        .statusCode(400);
    as(self)
        .contentType("application/merge-patch+json")
        .body(Map.of("username", "jane.doe"))
        .patch("/api/v1/fetchmail-accounts/" + mine)
        .then()
        .statusCode(200);
    as(self).delete("/api/v1/fetchmail-accounts/" + mine).then().statusCode(204);
    admin().get("/api/v1/fetchmail-accounts/" + theirs).then().statusCode(200);

    as(self).delete("/api/v1/sessions/current").then().statusCode(204);
    as(self).get("/api/v1/mailboxes/user@" + d).then().statusCode(401).contentType(PROBLEM);
  }

  @Test
  void theFlagsGiveTheAdminAndDomainAdminRolesAndEveryGrantIsAudited() {
    String d = createDomain();
    String e = createDomain();
    createMailbox("boss@" + d, PASSWORD);
    createMailbox("keeper@" + d, PASSWORD);
    createMailbox("stranger@" + e, PASSWORD);
    admin()
        .contentType("application/merge-patch+json")
        .body(Map.of("domainAdmin", true))
        .patch("/api/v1/mailboxes/keeper@" + d)
        .then()
        .statusCode(200);
    admin()
        .contentType("application/merge-patch+json")
        .body(Map.of("admin", true))
        .patch("/api/v1/mailboxes/boss@" + d)
        .then()
        .statusCode(200);

    signIn("keeper@" + d, PASSWORD)
        .statusCode(201)
        .body("role", equalTo("domain-admin"))
        .body("scopes", contains("domain:" + d));
    String keeper = tokenOf("keeper@" + d, PASSWORD);
    as(keeper)
        .body(Map.of("address", "new@" + d, "password", PASSWORD))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(201);
    as(keeper).get("/api/v1/mailboxes/stranger@" + e).then().statusCode(404);
    as(keeper)
        .body(Map.of("address", "new@" + e, "password", PASSWORD))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(404);
    as(keeper)
        .get("/api/v1/mailboxes?domain=" + e)
        .then()
        .statusCode(200)
        .body("items", hasSize(0));
    as(keeper).body(Map.of("name", "x" + d)).post("/api/v1/domains").then().statusCode(403);
    // Only an admin may hand out a role.
    as(keeper)
        .contentType("application/merge-patch+json")
        .body(Map.of("domainAdmin", true))
        .patch("/api/v1/mailboxes/new@" + d)
        .then()
        .statusCode(403);
    admin().get("/api/v1/mailboxes/new@" + d).then().body("domainAdmin", equalTo(false));

    signIn("boss@" + d, PASSWORD).statusCode(201).body("role", equalTo("admin"));
    String boss = tokenOf("boss@" + d, PASSWORD);
    as(boss).get("/api/v1/mailboxes/stranger@" + e).then().statusCode(200);
    String made = createDomainAs(boss);
    admin().get("/api/v1/domains/" + made).then().statusCode(200);
    // The audit names the mailbox as the actor of what it did and of its sign-ins.
    admin()
        .get("/api/v1/audit-events?action=mailbox.sign-in&resourceKey=keeper@" + d)
        .then()
        .statusCode(200)
        .body("items[0].actor", equalTo("mailbox:keeper@" + d))
        .body("items[0].after.role", equalTo("domain-admin"))
        .body("items[0].after.token", equalTo(null));
    admin()
        .get("/api/v1/audit-events?action=mailbox.create&resourceKey=new@" + d)
        .then()
        .body("items[0].actor", equalTo("mailbox:keeper@" + d));
  }

  private static String createDomainAs(String token) {
    String name = io.mailplane.TestApi.uniqueDomain();
    as(token).body(Map.of("name", name)).post("/api/v1/domains").then().statusCode(201);
    return name;
  }

  @Test
  void wrongPasswordsUnknownAddressesAndBarredMailboxesGetOneAnswer() {
    String d = createDomain();
    String off = createDomain();
    createMailbox("user@" + d, PASSWORD);
    createMailbox("disabled@" + d, PASSWORD);
    createMailbox("user@" + off, PASSWORD);
    io.mailplane.TestApi.disableMailbox("disabled@" + d);
    io.mailplane.TestApi.disable("/api/v1/domains/" + off);
    String first = null;
    for (List<String> attempt :
        List.of(
            List.of("user@" + d, PASSWORD + "x"),
            List.of("nobody@" + d, PASSWORD),
            List.of("nobody@nowhere.example", PASSWORD),
            List.of("not an address", PASSWORD),
            List.of("disabled@" + d, PASSWORD),
            List.of("user@" + off, PASSWORD))) {
      String body =
          signIn(attempt.get(0), attempt.get(1))
              .statusCode(401)
              .contentType(PROBLEM)
              .header("WWW-Authenticate", startsWith("Bearer"))
              .extract()
              .body()
              .asString()
              .replace(attempt.get(0), "");
      if (first == null) {
        first = body;
      }
      assertEquals(first, body, attempt.toString());
    }
    // Malformed or over-long input: 400, checked before any password work.
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("address", "user@" + d))
        .post("/api/v1/sessions")
        .then()
        .statusCode(400)
        .contentType(PROBLEM)
        .body("errors[0].field", equalTo("password"));
    signIn("a".repeat(321), PASSWORD).statusCode(400).body("errors[0].field", equalTo("address"));
    signIn("user@" + d, "p".repeat(1025))
        .statusCode(400)
        .body("errors[0].field", equalTo("password"));
    given()
        .contentType(ContentType.JSON)
        .body("[]")
        .post("/api/v1/sessions")
        .then()
        .statusCode(400);
    given().contentType(ContentType.JSON).post("/api/v1/sessions").then().statusCode(400);
    // A made-up session token is refused like any unknown token.
    as("mps_" + "A".repeat(43)).get("/api/v1/sessions/current").then().statusCode(401);
    // API tokens have no session to show or end.
    admin().get("/api/v1/sessions/current").then().statusCode(404);
    signIn("user@" + d, PASSWORD).statusCode(201);
  }

  @Test
  void failedSignInsLockOnlyTheirAccountAndNoValidToken() {
    String d = createDomain();
    createMailbox("target@" + d, PASSWORD);
    createMailbox("bystander@" + d, PASSWORD);
    String before = tokenOf("target@" + d, PASSWORD);
    // The test profile allows 1000 failures per client address; the account budget is 10.
    for (int i = 0; i < 10; i++) {
      signIn("target@" + d, "guess-" + i).statusCode(401);
    }
    signIn("target@" + d, PASSWORD)
        .statusCode(429)
        .contentType(PROBLEM)
        .header("Retry-After", org.hamcrest.Matchers.notNullValue());
    signIn("bystander@" + d, PASSWORD).statusCode(201);
    as(before).get("/api/v1/mailboxes/target@" + d).then().statusCode(200);
  }

  @Test
  void theOwnerChangesThePasswordUnderThePolicyAndMayEndTheOtherSessions() {
    String d = createDomain();
    String address = "longname1@" + d;
    createMailbox(address, PASSWORD);
    String one = tokenOf(address, PASSWORD);
    String two = tokenOf(address, PASSWORD);
    String path = "/api/v1/mailboxes/" + address + "/password";
    record Bad(String current, String next, int status, String field) {}
    for (Bad bad :
        List.of(
            new Bad(PASSWORD + "x", "Fresh-Phrase-Orbit-51", 403, null),
            new Bad(PASSWORD, "short", 400, "newPassword"),
            new Bad(PASSWORD, "x".repeat(1025), 400, "newPassword"),
            new Bad("y".repeat(1025), "Fresh-Phrase-Orbit-51", 400, "currentPassword"),
            new Bad(PASSWORD, address.toUpperCase(), 400, "newPassword"),
            new Bad(PASSWORD, "LongName1", 400, "newPassword"),
            new Bad(PASSWORD, "Superman", 400, "newPassword"),
            new Bad(PASSWORD, "iloveyou", 400, "newPassword"),
            new Bad(PASSWORD, PASSWORD, 400, "newPassword"),
            new Bad(PASSWORD, "tab\there-is-bad", 400, "newPassword"))) {
      ValidatableResponse response =
          as(one)
              .body(Map.of("currentPassword", bad.current(), "newPassword", bad.next()))
              .post(path)
              .then()
              .statusCode(bad.status())
              .contentType(PROBLEM);
      if (bad.field() != null) {
        response.body("errors[0].field", equalTo(bad.field()));
      }
    }
    as(one).body(Map.of("newPassword", "Fresh-Phrase-Orbit-51")).post(path).then().statusCode(400);
    // Nothing changed.
    admin().get("/api/v1/mailboxes/" + address).then().body("version", equalTo(0));
    signIn(address, PASSWORD).statusCode(201);

    String changed = "Fresh-Phrase-Orbit-51";
    as(one)
        .body(Map.of("currentPassword", PASSWORD, "newPassword", changed, "endOtherSessions", true))
        .post(path)
        .then()
        .statusCode(200)
        .header("ETag", equalTo("\"1\""))
        .body("address", equalTo(address))
        .body("password", equalTo(null));
    as(one).get("/api/v1/mailboxes/" + address).then().statusCode(200);
    as(two).get("/api/v1/mailboxes/" + address).then().statusCode(401);
    signIn(address, PASSWORD).statusCode(401);
    signIn(address, changed).statusCode(201);
    admin()
        .get("/api/v1/audit-events?action=mailbox.password-change&resourceKey=" + address)
        .then()
        .body("items", hasSize(1))
        .body("items[0].actor", equalTo("mailbox:" + address));
  }
}
