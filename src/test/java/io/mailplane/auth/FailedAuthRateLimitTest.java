package io.mailplane.auth;

import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(FailedAuthRateLimitTest.LowLimit.class)
class FailedAuthRateLimitTest {
  public static class LowLimit implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("mailplane.auth.failed-attempts-per-window", "3");
    }
  }

  @Test
  void repeatedFailuresAreThrottledEvenForAGoodToken() {
    for (int i = 0; i < 3; i++) {
      as("wrong-" + i).get("/api/v1/domains").then().statusCode(401);
    }
    as("wrong-again")
        .get("/api/v1/domains")
        .then()
        .statusCode(429)
        .header("Retry-After", notNullValue())
        .body("type", equalTo("urn:mailplane:problem:rate-limited"));
    admin().get("/api/v1/domains").then().statusCode(429);
  }
}
