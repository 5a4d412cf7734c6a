package io.mailplane.auth;

import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.as;
import static io.mailplane.TestApi.createAlias;
import static io.mailplane.TestApi.createDomain;
import static io.mailplane.TestApi.createMailbox;
import static io.mailplane.TestApi.token;
import static io.mailplane.TestApi.uniqueDomain;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * admin / read / domain:&lt;own&gt; tokens against every endpoint. A domain token gets 404 for
 * anything outside its domain (it must not learn what exists) and 403 for server-wide writes.
 */
@QuarkusTest
class ScopeMatrixTest {
  String own;
  String other;
  String read;
  String scoped;

  @BeforeEach
  void setUp() {
    own = createDomain();
    other = createDomain();
    createMailbox("box@" + own, "secret-password-1");
    createMailbox("box@" + other, "secret-password-1");
    createAlias("alias@" + own, List.of("box@" + own));
    createAlias("alias@" + other, List.of("box@" + other));
    admin()
        .body(Map.of("name", "ad-" + own, "targetDomain", own))
        .post("/api/v1/alias-domains")
        .then()
        .statusCode(201);
    admin()
        .body(Map.of("name", "ad-" + other, "targetDomain", other))
        .post("/api/v1/alias-domains")
        .then()
        .statusCode(201);
    read = token("read");
    scoped = token("domain:" + own);
  }

  @Test
  void withoutOrWithBadTokenIs401() {
    given().get("/api/v1/domains").then().statusCode(401).contentType("application/problem+json");
    as("nope-not-a-token").get("/api/v1/domains").then().statusCode(401);
    given()
        .header("Authorization", "Basic Zm9vOmJhcg==")
        .get("/api/v1/domains")
        .then()
        .statusCode(401);
  }

  @Test
  void domains() {
    for (String token : List.of(read, scoped)) {
      as(token).get("/api/v1/domains/" + own).then().statusCode(200);
      as(token).body(Map.of("name", uniqueDomain())).post("/api/v1/domains").then().statusCode(403);
      as(token)
          .body(Map.of("description", "x"))
          .put("/api/v1/domains/" + own)
          .then()
          .statusCode(403);
      as(token)
          .body(Map.of("description", "x"))
          .patch("/api/v1/domains/" + own)
          .then()
          .statusCode(403);
      as(token).delete("/api/v1/domains/" + own).then().statusCode(403);
    }
    as(read).get("/api/v1/domains/" + other).then().statusCode(200);
    // The scoped token cannot tell an existing foreign domain from a missing one.
    for (String name : List.of(other, uniqueDomain())) {
      as(scoped).get("/api/v1/domains/" + name).then().statusCode(404);
      as(scoped)
          .body(Map.of("description", "x"))
          .put("/api/v1/domains/" + name)
          .then()
          .statusCode(404);
      as(scoped)
          .body(Map.of("description", "x"))
          .patch("/api/v1/domains/" + name)
          .then()
          .statusCode(404);
      as(scoped).delete("/api/v1/domains/" + name).then().statusCode(404);
    }
    as(scoped)
        .queryParam("limit", 1000)
        .get("/api/v1/domains")
        .then()
        .statusCode(200)
        .body("items.name", equalTo(List.of(own)));
  }

  @Test
  void mailboxes() {
    as(read).get("/api/v1/mailboxes/box@" + other).then().statusCode(200);
    as(read)
        .body(Map.of("address", "new@" + own, "password", "secret-password-1"))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(403);
    as(read)
        .body(Map.of("quotaMb", 5))
        .patch("/api/v1/mailboxes/box@" + own)
        .then()
        .statusCode(403);
    as(read).delete("/api/v1/mailboxes/box@" + own).then().statusCode(403);

    as(scoped).get("/api/v1/mailboxes/box@" + own).then().statusCode(200);
    as(scoped)
        .body(Map.of("address", "new@" + own, "password", "secret-password-1"))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(201);
    as(scoped)
        .body(Map.of("quotaMb", 5))
        .patch("/api/v1/mailboxes/box@" + own)
        .then()
        .statusCode(200);
    as(scoped)
        .body(Map.of("password", "secret-password-2"))
        .put("/api/v1/mailboxes/put@" + own)
        .then()
        .statusCode(201);
    as(scoped).delete("/api/v1/mailboxes/new@" + own).then().statusCode(204);

    as(scoped).get("/api/v1/mailboxes/box@" + other).then().statusCode(404);
    as(scoped)
        .body(Map.of("address", "new@" + other, "password", "secret-password-1"))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(404);
    as(scoped)
        .body(Map.of("password", "secret-password-2"))
        .put("/api/v1/mailboxes/box@" + other)
        .then()
        .statusCode(404);
    as(scoped)
        .body(Map.of("quotaMb", 5))
        .patch("/api/v1/mailboxes/box@" + other)
        .then()
        .statusCode(404);
    as(scoped).delete("/api/v1/mailboxes/box@" + other).then().statusCode(404);
    admin()
        .get("/api/v1/mailboxes/box@" + other)
        .then()
        .statusCode(200)
        .body("quotaMb", not(equalTo(5)));

    as(scoped)
        .queryParam("limit", 1000)
        .get("/api/v1/mailboxes")
        .then()
        .statusCode(200)
        .body("items.domain", everyItem(equalTo(own)));
    as(scoped)
        .queryParam("domain", other)
        .get("/api/v1/mailboxes")
        .then()
        .statusCode(200)
        .body("items", equalTo(List.of()));
  }

  @Test
  void aliases() {
    as(read).get("/api/v1/aliases/alias@" + other).then().statusCode(200);
    as(read)
        .body(Map.of("address", "x@" + own, "destinations", List.of("a@b.example")))
        .post("/api/v1/aliases")
        .then()
        .statusCode(403);
    as(scoped)
        .body(Map.of("address", "x@" + own, "destinations", List.of("a@b.example")))
        .post("/api/v1/aliases")
        .then()
        .statusCode(201);
    as(scoped).get("/api/v1/aliases/alias@" + other).then().statusCode(404);
    as(scoped)
        .body(Map.of("address", "x@" + other, "destinations", List.of("a@b.example")))
        .post("/api/v1/aliases")
        .then()
        .statusCode(404);
    as(scoped)
        .body(Map.of("enabled", false))
        .patch("/api/v1/aliases/alias@" + other)
        .then()
        .statusCode(404);
    as(scoped).delete("/api/v1/aliases/alias@" + other).then().statusCode(404);
    as(scoped)
        .queryParam("limit", 1000)
        .get("/api/v1/aliases")
        .then()
        .body("items.domain", everyItem(equalTo(own)));
  }

  @Test
  void aliasDomains() {
    as(scoped).get("/api/v1/alias-domains/ad-" + own).then().statusCode(200);
    as(scoped).get("/api/v1/alias-domains/ad-" + other).then().statusCode(404);
    as(scoped).delete("/api/v1/alias-domains/ad-" + own).then().statusCode(403);
    as(scoped)
        .body(Map.of("name", uniqueDomain(), "targetDomain", own))
        .post("/api/v1/alias-domains")
        .then()
        .statusCode(403);
    as(read).get("/api/v1/alias-domains/ad-" + other).then().statusCode(200);
    as(read).delete("/api/v1/alias-domains/ad-" + other).then().statusCode(403);
    as(scoped)
        .queryParam("limit", 1000)
        .get("/api/v1/alias-domains")
        .then()
        .body("items.targetDomain", everyItem(equalTo(own)));
  }

  @Test
  void tokensAndAudit() {
    as(read)
        .get("/api/v1/tokens")
        .then()
        .statusCode(200)
        .body("items.token", everyItem(nullValue()));
    as(read)
        .body(Map.of("name", "x", "scopes", List.of("admin")))
        .post("/api/v1/tokens")
        .then()
        .statusCode(403);
    as(scoped).get("/api/v1/tokens").then().statusCode(403);
    as(scoped)
        .body(Map.of("name", "x", "scopes", List.of("admin")))
        .post("/api/v1/tokens")
        .then()
        .statusCode(403);
    as(scoped).delete("/api/v1/tokens/1").then().statusCode(403);

    as(read)
        .queryParam("domain", other)
        .get("/api/v1/audit-events")
        .then()
        .statusCode(200)
        .body("items.domain", hasItem(other));
    as(scoped)
        .queryParam("limit", 1000)
        .get("/api/v1/audit-events")
        .then()
        .statusCode(200)
        .body("items.domain", everyItem(equalTo(own)));
    as(scoped)
        .queryParam("domain", other)
        .get("/api/v1/audit-events")
        .then()
        .body("items", equalTo(List.of()));
  }
}
