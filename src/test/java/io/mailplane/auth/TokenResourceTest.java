package io.mailplane.auth;

import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class TokenResourceTest {

  @Test
  void secretIsShownOnceAndWorksUntilRevoked() {
    Response created =
        admin()
            .body(Map.of("name", "ci", "scopes", List.of("read", "domain:Example.COM")))
            .post("/api/v1/tokens");
    created
        .then()
        .statusCode(201)
        .body("token", startsWith("mpt_"))
        .body("scopes", equalTo(List.of("read", "domain:example.com")));
    String secret = created.path("token");
    int id = created.path("id");

    admin()
        .get("/api/v1/tokens/" + id)
        .then()
        .statusCode(200)
        .body("token", nullValue())
        .body("name", equalTo("ci"));
    as(secret).get("/api/v1/domains").then().statusCode(200);
    admin().get("/api/v1/tokens/" + id).then().body("lastUsedAt", notNullValue());

    admin().delete("/api/v1/tokens/" + id).then().statusCode(204);
    as(secret).get("/api/v1/domains").then().statusCode(401);
    admin().delete("/api/v1/tokens/" + id).then().statusCode(404);
    admin().get("/api/v1/tokens/not-a-number").then().statusCode(404);
  }

  @Test
  void invalidScopesAndExpiryAreRejected() {
    admin()
        .body(Map.of("name", "x", "scopes", List.of("root")))
        .post("/api/v1/tokens")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("scopes[0]"));
    admin()
        .body(Map.of("name", "x", "scopes", List.of("domain:not a domain")))
        .post("/api/v1/tokens")
        .then()
        .statusCode(400);
    admin()
        .body(Map.of("name", "x", "scopes", List.of()))
        .post("/api/v1/tokens")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("scopes"));
    admin()
        .body(Map.of("name", "x", "scopes", List.of("read"), "expiresAt", "2001-01-01T00:00:00Z"))
        .post("/api/v1/tokens")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("expiresAt"));
  }

  @Test
  void tokenCreationIsAudited() {
    int id =
        admin()
            .body(Map.of("name", "audited", "scopes", List.of("read")))
            .post("/api/v1/tokens")
            .then()
            .extract()
            .path("id");
    admin()
        .queryParam("resourceType", "token")
        .queryParam("resourceKey", Integer.toString(id))
        .get("/api/v1/audit-events")
        .then()
        .statusCode(200)
        .body("items[0].action", equalTo("token.create"))
        .body("items[0].actor", equalTo("bootstrap"))
        .body("items[0].after.token", nullValue());
  }
}
