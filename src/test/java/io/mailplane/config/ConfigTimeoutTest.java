package io.mailplane.config;

import static io.mailplane.TestApi.admin;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.agroal.api.AgroalDataSource;
import io.mailplane.TestApi;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An apply that outlasts its transaction timeout is rolled back and answered with a problem the
 * client can act on, never a 500.
 */
@QuarkusTest
@TestProfile(ConfigTimeoutTest.OneSecond.class)
class ConfigTimeoutTest {
  public static class OneSecond implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "mailplane.config.transaction-timeout", "1s",
          "mailplane.config.transaction-timeout-per-entry", "0s");
    }
  }

  @Inject AgroalDataSource dataSource;

  @Test
  void aTimedOutApplyIsA503AndChangesNothing() throws Exception {
    String domain = TestApi.createDomain();
    CountDownLatch locked = new CountDownLatch(1);
    // Another transaction holds the revision counter for 4 s: the apply's commit waits for it,
    // past its 1 s timeout.
    CompletableFuture<Void> holder =
        CompletableFuture.runAsync(
            () -> {
              try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try (Statement statement = connection.createStatement()) {
                  statement.execute("SELECT revision FROM config_revision WHERE id = 1 FOR UPDATE");
                  locked.countDown();
                  Thread.sleep(4000);
                }
                connection.rollback();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    locked.await(10, TimeUnit.SECONDS);

    admin()
        .queryParam("prune", "false")
        .body(
            Map.of(
                "mailboxes",
                List.of(
                    Map.of(
                        "address",
                        "late@" + domain,
                        "passwordHash",
                        "$2y$11$abcdefghijklmnopqrstuu6vnWrfvpk8ZBqUBmHVPoOJpZ5rSrXsS"))))
        .post("/api/v1/config:apply")
        .then()
        .statusCode(503)
        .contentType("application/problem+json")
        .body("type", equalTo("urn:mailplane:problem:transaction-timeout"))
        .body("detail", containsString("mailplane.config.transaction-timeout"));
    holder.get(20, TimeUnit.SECONDS);
    admin().get("/api/v1/mailboxes/late@" + domain).then().statusCode(404);
  }
}
