package io.mailplane;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dev profile (what ./mvnw quarkus:dev runs): embedded H2, no Redis, full CRUD. */
@QuarkusTest
@TestProfile(DevProfileH2Test.Dev.class)
class DevProfileH2Test {
  static final String TOKEN = "dev-admin-token-change-me-0123456789";

  public static class Dev implements QuarkusTestProfile {
    @Override
    public String getConfigProfile() {
      return "dev";
    }

    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "quarkus.datasource.jdbc.url",
          "jdbc:h2:mem:devprofile;MODE=MySQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
          // Like the database: the dev profile's TLS bootstrap must not write into ./data.
          "mailplane.tls.directory",
          "target/tls-devprofile");
    }
  }

  @Test
  void crudOnH2WithoutRedis() {
    var admin = given().header("Authorization", "Bearer " + TOKEN).contentType(ContentType.JSON);
    admin.body(Map.of("name", "dev.example")).post("/api/v1/domains").then().statusCode(201);
    given()
        .header("Authorization", "Bearer " + TOKEN)
        .contentType(ContentType.JSON)
        .header("Idempotency-Key", "k1")
        .body(Map.of("address", "john@dev.example", "password", "secret-password-1"))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(201);
    given()
        .header("Authorization", "Bearer " + TOKEN)
        .contentType(ContentType.JSON)
        .header("Idempotency-Key", "k1")
        .body(Map.of("address", "john@dev.example", "password", "secret-password-1"))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(201)
        .header("Idempotency-Replayed", "true");
    given()
        .header("Authorization", "Bearer " + TOKEN)
        .contentType(ContentType.JSON)
        .body(Map.of("address", "@dev.example", "destinations", List.of("john@dev.example")))
        .post("/api/v1/aliases")
        .then()
        .statusCode(201);
    given()
        .header("Authorization", "Bearer " + TOKEN)
        .contentType("application/merge-patch+json")
        .body(Map.of("quotaMb", 100))
        .patch("/api/v1/mailboxes/john@dev.example")
        .then()
        .statusCode(200)
        .body("quotaMb", equalTo(100));
    given()
        .header("Authorization", "Bearer " + TOKEN)
        .get("/api/v1/mailboxes?domain=dev.example")
        .then()
        .statusCode(200)
        .body("items.address", equalTo(List.of("john@dev.example")));
    given()
        .header("Authorization", "Bearer " + TOKEN)
        .queryParam("cascade", true)
        .delete("/api/v1/domains/dev.example")
        .then()
        .statusCode(204);
    given().get("/q/health/ready").then().statusCode(200);
  }
}
