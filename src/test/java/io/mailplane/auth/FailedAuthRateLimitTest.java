package io.mailplane.auth;

import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.as;
import static io.mailplane.TestApi.token;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.mailplane.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.commons.codec.digest.DigestUtils;
import org.junit.jupiter.api.Test;

/**
 * Failed attempts are counted per client address; past the budget the address's invalid tokens get
 * 429, while valid tokens from the same address (other clients behind one proxy or NAT) still work.
 */
@QuarkusTest
@TestProfile(FailedAuthRateLimitTest.LowLimit.class)
class FailedAuthRateLimitTest {
  public static class LowLimit implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("mailplane.auth.failed-attempts-per-window", "3");
    }
  }

  @Inject DataSource dataSource;

  @Test
  void failuresThrottleOnlyInvalidTokens() throws Exception {
    String reader = token("read");
    var created =
        admin()
            .body(Map.of("name", "revoked", "scopes", List.of("read")))
            .post("/api/v1/tokens")
            .then()
            .statusCode(201)
            .extract();
    String revoked = created.path("token");
    admin().delete("/api/v1/tokens/" + created.path("id")).then().statusCode(204);
    for (int i = 0; i < 3; i++) {
      as("wrong-" + i).get("/api/v1/domains").then().statusCode(401);
    }
    as("wrong-again")
        .get("/api/v1/domains")
        .then()
        .statusCode(429)
        .header("Retry-After", notNullValue())
        .body("type", equalTo("urn:mailplane:problem:rate-limited"));
    as("wrong-0").get("/api/v1/domains").then().statusCode(429);
    as(revoked).get("/api/v1/domains").then().statusCode(429);
    admin().get("/api/v1/domains").then().statusCode(200);
    as(reader).get("/api/v1/domains").then().statusCode(200);

    // A token another replica created (a row this replica never saw) works too, once the known
    // tokens are refreshed (at most a second later).
    String secret = "mpt_" + UUID.randomUUID() + UUID.randomUUID();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO api_token (name, token_hash, scopes, created_by, created_at)"
                    + " VALUES ('other-replica', ?, 'read', 'test', ?)")) {
      insert.setString(1, DigestUtils.sha256Hex(secret));
      insert.setObject(2, TestDatabase.utc(Instant.now()));
      insert.executeUpdate();
    }
    Thread.sleep(1100);
    as(secret).get("/api/v1/domains").then().statusCode(200);
    as("wrong-again").get("/api/v1/domains").then().statusCode(429);

    // Ids and created_at can commit out of order across replicas: a row with a lower id than one
    // already seen, stamped long ago, is missed by the incremental read but found by the full
    // reload (at most a minute later). Rows deleted or expired meanwhile stay refused.
    String seen = "mpt_" + UUID.randomUUID() + UUID.randomUUID();
    String late = "mpt_" + UUID.randomUUID() + UUID.randomUUID();
    String deleted = "mpt_" + UUID.randomUUID() + UUID.randomUUID();
    String expired = "mpt_" + UUID.randomUUID() + UUID.randomUUID();
    long top;
    try (Connection connection = dataSource.getConnection();
        var max = connection.prepareStatement("SELECT MAX(id) FROM api_token").executeQuery()) {
      max.next();
      top = max.getLong(1) + 1000;
    }
    Instant now = Instant.now();
    insert(top, seen, now, null);
    Thread.sleep(1100);
    as(seen).get("/api/v1/domains").then().statusCode(200);
    now = Instant.now();
    insert(top - 500, late, now.minus(Duration.ofHours(1)), null);
    insert(top - 400, deleted, now, null);
    insert(top - 300, expired, now, now.plusSeconds(2));
    Thread.sleep(1100);
    as(late).get("/api/v1/domains").then().statusCode(429);
    as(deleted).get("/api/v1/domains").then().statusCode(200);
    try (Connection connection = dataSource.getConnection();
        PreparedStatement delete =
            connection.prepareStatement("DELETE FROM api_token WHERE token_hash = ?")) {
      delete.setString(1, DigestUtils.sha256Hex(deleted));
      delete.executeUpdate();
    }
    Thread.sleep(61_000);
    // The lockout window may have passed meanwhile: lock the address again.
    for (int i = 0; i < 3; i++) {
      as("wrong-late-" + i).get("/api/v1/domains");
    }
    as("wrong-late").get("/api/v1/domains").then().statusCode(429);
    as(late).get("/api/v1/domains").then().statusCode(200);
    as(deleted).get("/api/v1/domains").then().statusCode(429);
    as(expired).get("/api/v1/domains").then().statusCode(429);
  }

  private void insert(long id, String secret, Instant createdAt, Instant expiresAt)
      throws Exception {
    try (Connection connection = dataSource.getConnection()) {
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO api_token (id, name, token_hash, scopes, created_by, created_at,"
                  + " expires_at) VALUES (?, 'other-replica', ?, 'read', 'test', ?, ?)")) {
        insert.setLong(1, id);
        insert.setString(2, DigestUtils.sha256Hex(secret));
        insert.setObject(3, TestDatabase.utc(createdAt));
        insert.setObject(4, TestDatabase.utc(expiresAt));
        insert.executeUpdate();
      }
      TestDatabase.afterExplicitIds(connection, "api_token");
    }
  }
}
