package io.mailplane.config;

import static io.mailplane.TestApi.admin;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

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
  static final String HASH = "$2y$11$abcdefghijklmnopqrstuu6vnWrfvpk8ZBqUBmHVPoOJpZ5rSrXsS";

  public static class OneSecond implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "mailplane.config.transaction-timeout", "1s",
          "mailplane.config.transaction-timeout-per-entry", "0s",
          // 100 bcrypt cost-11 hashes take seconds of CPU even on an idle 2-core machine.
          "mailplane.config.password-hash-timeout", "1s",
          // Every other transaction too (its timeout must be a problem as well); not shorter, or
          // start-up's own transactions time out on a loaded machine.
          "quarkus.transaction-manager.default-transaction-timeout", "10s");
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
    holder.get(30, TimeUnit.SECONDS);
    admin().get("/api/v1/mailboxes/late@" + domain).then().statusCode(404);
  }

  /**
   * The timeout strikes while the work runs (here: waiting for a row lock another transaction
   * holds), not at the commit: the reaper rolls the transaction back under the running statements,
   * whatever they then throw, and the answer is still the timeout problem.
   */
  @Test
  void aTimeoutDuringTheWorkIsA503AndChangesNothing() throws Exception {
    String domain = TestApi.createDomain();
    CompletableFuture<Void> holder = holdDomainRow(domain, 4000);
    admin()
        .queryParam("prune", "false")
        .body(
            Map.of("mailboxes", List.of(Map.of("address", "slow@" + domain, "passwordHash", HASH))))
        .post("/api/v1/config:apply")
        .then()
        .statusCode(503)
        .contentType("application/problem+json")
        .body("type", equalTo("urn:mailplane:problem:transaction-timeout"))
        .body("detail", containsString("mailplane.config.transaction-timeout"));
    holder.get(20, TimeUnit.SECONDS);
    admin().get("/api/v1/mailboxes/slow@" + domain).then().statusCode(404);
  }

  /** Not only config documents: any request whose transaction times out gets the problem. */
  @Test
  void anyTimedOutTransactionIsA503() throws Exception {
    String domain = TestApi.createDomain();
    CompletableFuture<Void> holder = holdDomainRow(domain, 14_000);
    admin()
        .body(Map.of("passwordHash", HASH))
        .put("/api/v1/mailboxes/late@" + domain)
        .then()
        .statusCode(503)
        .contentType("application/problem+json")
        .body("type", equalTo("urn:mailplane:problem:transaction-timeout"))
        .body("detail", containsString("quarkus.transaction-manager.default-transaction-timeout"));
    holder.get(30, TimeUnit.SECONDS);
    admin().get("/api/v1/mailboxes/late@" + domain).then().statusCode(404);
  }

  /** Another transaction locks the domain's row (as a write in it does) for that long. */
  private CompletableFuture<Void> holdDomainRow(String domain, long millis) throws Exception {
    CountDownLatch locked = new CountDownLatch(1);
    CompletableFuture<Void> holder =
        CompletableFuture.runAsync(
            () -> {
              try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try (var statement =
                    connection.prepareStatement(
                        "SELECT id FROM domain WHERE name = ? FOR UPDATE")) {
                  statement.setString(1, domain);
                  statement.executeQuery().close();
                  locked.countDown();
                  Thread.sleep(millis);
                }
                connection.rollback();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    locked.await(10, TimeUnit.SECONDS);
    return holder;
  }

  @Test
  void hashingThatOutlastsItsBoundIsA503AndChangesNothing() {
    String domain = TestApi.createDomain();
    admin()
        .queryParam("prune", "false")
        .body(Map.of("mailboxes", plaintextMailboxes(domain, 100)))
        .post("/api/v1/config:apply")
        .then()
        .statusCode(503)
        .contentType("application/problem+json")
        .header("Retry-After", notNullValue())
        .body("detail", containsString("mailplane.config.password-hash-timeout"));
    admin().get("/api/v1/mailboxes/user0@" + domain).then().statusCode(404);
  }

  @Test
  void aStaleIfMatchIsRefusedBeforeAnyPasswordIsHashed() {
    String stale = admin().get("/api/v1/config").then().statusCode(200).extract().header("ETag");
    String domain = TestApi.createDomain();
    // Hashing these would outlast the 1 s bound (503): a 412 shows none was started.
    for (String action : List.of("config:plan", "config:apply")) {
      admin()
          .queryParam("prune", "false")
          .header("If-Match", stale)
          .body(Map.of("mailboxes", plaintextMailboxes(domain, 100)))
          .post("/api/v1/" + action)
          .then()
          .statusCode(412)
          .contentType("application/problem+json");
    }
    admin().get("/api/v1/mailboxes/user0@" + domain).then().statusCode(404);
  }

  private static List<Map<String, Object>> plaintextMailboxes(String domain, int count) {
    return java.util.stream.IntStream.range(0, count)
        .<Map<String, Object>>mapToObj(
            i -> Map.of("address", "user" + i + "@" + domain, "password", "hash-me-" + i + "-long"))
        .toList();
  }
}
