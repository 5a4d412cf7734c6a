package io.mailplane.contract;

import static org.hamcrest.Matchers.equalTo;

import io.mailplane.TestApi;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * Generated clients send {@code Accept: application/problem+json} where the contract documents no
 * success body (every DELETE). That must work, while a client accepting neither JSON nor problems
 * still gets 406.
 */
@QuarkusTest
class ProblemAcceptTest {
  @Test
  void problemOnlyAcceptIsServed() {
    String domain = TestApi.createDomain();
    TestApi.admin()
        .accept("application/problem+json")
        .delete("/api/v1/domains/" + domain)
        .then()
        .statusCode(204);
    TestApi.admin()
        .accept("application/problem+json")
        .delete("/api/v1/domains/" + domain)
        .then()
        .statusCode(404)
        .contentType("application/problem+json")
        .body("type", equalTo("urn:mailplane:problem:not-found"));
    TestApi.admin()
        .accept("application/json, application/problem+json")
        .get("/api/v1/domains?limit=1")
        .then()
        .statusCode(200)
        .contentType("application/json");
  }

  @Test
  void otherMediaTypesAreStillNotAcceptable() {
    TestApi.admin()
        .accept("text/html")
        .get("/api/v1/domains?limit=1")
        .then()
        .statusCode(406)
        .contentType("application/problem+json");
  }
}
