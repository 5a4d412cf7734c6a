package io.mailplane.api;

import static io.mailplane.TestApi.admin;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import io.mailplane.TestApi;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The application on its own database server and Redis, which the test stops: an outage answers 503
 * with Retry-After and an actionable problem type, readiness shows it, and service resumes after.
 */
@QuarkusTest
@TestProfile(DependencyOutageTest.OwnDependencies.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DependencyOutageTest {
  public static class OwnDependencies implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(new TestResourceEntry(OwnDaemons.class));
    }
  }

  @ConfigProperty(name = OwnDaemons.DIRECTORY)
  String directory;

  @Test
  @Order(1)
  void withRedisDownAnIdempotentPostIs503AndChangesNothing() throws Exception {
    String domain = TestApi.createDomain();
    Path daemons = Path.of(directory);
    OwnDaemons.kill(daemons, "redis");
    try {
      String address = "idem@" + domain;
      unavailable(
          admin()
              .header("Idempotency-Key", UUID.randomUUID().toString())
              .body(Map.of("address", address, "password", "outage-test-password"))
              .post("/api/v1/mailboxes")
              .then());
      admin().get("/api/v1/mailboxes/" + address).then().statusCode(404);
      // What does not need Redis goes on.
      admin()
          .body(Map.of("address", "plain@" + domain, "password", "outage-test-password"))
          .post("/api/v1/mailboxes")
          .then()
          .statusCode(201);
      given().get("/q/health/ready").then().statusCode(503);
    } finally {
      OwnDaemons.startRedis(daemons);
    }
    awaitStatus(
        () ->
            admin()
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body(Map.of("address", "idem@" + domain, "password", "outage-test-password"))
                .post("/api/v1/mailboxes")
                .then(),
        201);
  }

  @Test
  @Order(2)
  void withTheDatabaseDownRequestsAre503AndReadinessIsDown() throws Exception {
    TestApi.createDomain();
    Path daemons = Path.of(directory);
    OwnDaemons.kill(daemons, "db");
    try {
      // The pool's connections died mid-use first, then no new one can be had: both are 503.
      for (int i = 0; i < 3; i++) {
        unavailable(admin().get("/api/v1/domains").then());
        unavailable(
            admin().body(Map.of("name", TestApi.uniqueDomain())).post("/api/v1/domains").then());
      }
      given().get("/q/health/ready").then().statusCode(503);
    } finally {
      OwnDaemons.startDatabase(daemons);
    }
    awaitStatus(() -> admin().get("/api/v1/domains").then(), 200);
  }

  private static void unavailable(ValidatableResponse response) {
    response
        .statusCode(503)
        .contentType(startsWith("application/problem+json"))
        .header("Retry-After", notNullValue())
        .body("type", equalTo("urn:mailplane:problem:service-unavailable"))
        .body("status", equalTo(503));
  }

  private static void awaitStatus(
      java.util.function.Supplier<ValidatableResponse> request, int status)
      throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(30);
    int last = -1;
    while (Instant.now().isBefore(deadline)) {
      last = request.get().extract().statusCode();
      if (last == status) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no recovery: still " + last);
  }
}
