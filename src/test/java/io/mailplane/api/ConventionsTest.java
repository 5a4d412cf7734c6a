package io.mailplane.api;

import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.createDomain;
import static io.mailplane.TestApi.uniqueDomain;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** ETags, idempotency keys, pagination: the conventions every resource shares. */
@QuarkusTest
class ConventionsTest {

  @Test
  void concurrentPatchesWithTheSameIfMatchYieldExactlyOne412() throws Exception {
    for (int round = 0; round < 5; round++) {
      String name = createDomain();
      String etag = admin().get("/api/v1/domains/" + name).then().extract().header("ETag");
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        String description = "writer-" + i;
        Callable<Integer> patch =
            () -> {
              start.await();
              return admin()
                  .header("If-Match", etag)
                  .contentType("application/merge-patch+json")
                  .body(Map.of("description", description))
                  .patch("/api/v1/domains/" + name)
                  .statusCode();
            };
        results.add(pool.submit(patch));
      }
      start.countDown();
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> result : results) {
        statuses.add(result.get());
      }
      pool.shutdown();
      statuses.sort(Integer::compare);
      assertEquals(List.of(200, 412), statuses, "round " + round);
    }
  }

  @Test
  void idempotencyKeyReplaysTheFirstResponse() {
    String key = UUID.randomUUID().toString();
    String name = uniqueDomain();
    Response first =
        admin().header("Idempotency-Key", key).body(Map.of("name", name)).post("/api/v1/domains");
    first.then().statusCode(201);
    Response replay =
        admin().header("Idempotency-Key", key).body(Map.of("name", name)).post("/api/v1/domains");
    replay
        .then()
        .statusCode(201)
        .header("Idempotency-Replayed", "true")
        .header("ETag", first.header("ETag"))
        .body("name", equalTo(name))
        .body("createdAt", equalTo(first.path("createdAt")));
    admin()
        .header("Idempotency-Key", key)
        .body(Map.of("name", uniqueDomain()))
        .post("/api/v1/domains")
        .then()
        .statusCode(422)
        .body("type", equalTo("urn:mailplane:problem:idempotency-key-reused"));
    // Without a key the same body is an ordinary duplicate.
    admin().body(Map.of("name", name)).post("/api/v1/domains").then().statusCode(409);
  }

  @Test
  void idempotencyKeyReplaysClientErrorsToo() {
    String existing = createDomain();
    String key = UUID.randomUUID().toString();
    for (int i = 0; i < 2; i++) {
      admin()
          .header("Idempotency-Key", key)
          .body(Map.of("name", existing))
          .post("/api/v1/domains")
          .then()
          .statusCode(409)
          .contentType("application/problem+json");
    }
  }

  @Test
  void badIdempotencyKeyIsRejected() {
    admin()
        .header("Idempotency-Key", "x".repeat(300))
        .body(Map.of("name", uniqueDomain()))
        .post("/api/v1/domains")
        .then()
        .statusCode(400);
  }

  @Test
  void aWriteResponseEqualsTheNextRead() {
    // The database keeps microseconds: a response with nanoseconds changed on the first refresh.
    for (int i = 0; i < 5; i++) {
      String name = uniqueDomain();
      String created =
          admin()
              .body(Map.of("name", name))
              .post("/api/v1/domains")
              .then()
              .statusCode(201)
              .extract()
              .asString();
      String read = admin().get("/api/v1/domains/" + name).then().extract().asString();
      assertEquals(read, created);
      String patched =
          admin()
              .contentType("application/merge-patch+json")
              .body(Map.of("description", "changed"))
              .patch("/api/v1/domains/" + name)
              .then()
              .statusCode(200)
              .extract()
              .asString();
      assertEquals(admin().get("/api/v1/domains/" + name).then().extract().asString(), patched);
      String mailbox =
          admin()
              .body(Map.of("address", "box@" + name, "password", "correct horse battery"))
              .post("/api/v1/mailboxes")
              .then()
              .statusCode(201)
              .extract()
              .asString();
      assertEquals(
          admin().get("/api/v1/mailboxes/box@" + name).then().extract().asString(), mailbox);
    }
  }

  @Test
  void paginationSeesEveryItemOnceWithInsertsInBetween() {
    String prefix = "p" + UUID.randomUUID().toString().substring(0, 8);
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      String name = prefix + "-" + (char) ('b' + 2 * i) + ".example";
      admin().body(Map.of("name", name)).post("/api/v1/domains").then().statusCode(201);
      created.add(name);
    }
    List<String> seen = new ArrayList<>();
    String after = null;
    int pages = 0;
    do {
      var request = admin().queryParam("q", prefix).queryParam("limit", 3);
      if (after != null) {
        request.queryParam("after", after);
      }
      Response page = request.get("/api/v1/domains");
      page.then().statusCode(200);
      List<String> names = page.path("items.name");
      seen.addAll(names);
      after = page.path("next");
      if (after != null) {
        assertTrue(page.header("Link").contains("rel=\"next\""));
        // Inserts behind and ahead of the cursor while paging.
        String behind = prefix + "-a" + pages + ".example";
        String ahead = prefix + "-z" + pages + ".example";
        admin().body(Map.of("name", behind)).post("/api/v1/domains").then().statusCode(201);
        admin().body(Map.of("name", ahead)).post("/api/v1/domains").then().statusCode(201);
        created.add(ahead);
      } else {
        assertNull(page.header("Link"));
      }
      pages++;
    } while (after != null && pages < 20);
    assertEquals(seen.stream().distinct().count(), seen.size(), "no duplicates: " + seen);
    assertTrue(seen.containsAll(created), "every item present before and ahead of the cursor");
    assertFalse(
        seen.stream().anyMatch(n -> n.startsWith(prefix + "-a")), "inserted behind the cursor");
  }

  @Test
  void pageParametersAreValidated() {
    admin().queryParam("limit", 0).get("/api/v1/domains").then().statusCode(400);
    admin().queryParam("limit", 1001).get("/api/v1/domains").then().statusCode(400);
    admin().queryParam("after", "!!!").get("/api/v1/domains").then().statusCode(400);
    admin()
        .queryParam("limit", "ten")
        .get("/api/v1/domains")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
    admin().queryParam("enabled", "maybe").get("/api/v1/domains").then().statusCode(400);
  }

  @Test
  void unknownRoutesAndMethodsAreProblems() {
    admin()
        .get("/api/v1/nothing-here")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    admin()
        .post("/api/v1/domains/x.example")
        .then()
        .statusCode(405)
        .contentType("application/problem+json");
    admin()
        .contentType("text/plain")
        .body("name=x")
        .post("/api/v1/domains")
        .then()
        .statusCode(415)
        .contentType("application/problem+json");
  }

  @Test
  void scalarsOfTheWrongTypeAreRejectedNotCoerced() {
    String name = createDomain();
    for (String body :
        List.of(
            "{\"enabled\": 2}",
            "{\"enabled\": \"true\"}",
            "{\"description\": 5}",
            "{\"limits\": {\"maxMailboxes\": \"10\"}}",
            "{\"limits\": {\"maxQuotaMb\": 1.5}}")) {
      admin()
          .body(body)
          .patch("/api/v1/domains/" + name)
          .then()
          .statusCode(400)
          .contentType("application/problem+json");
    }
    admin().get("/api/v1/domains/" + name).then().body("version", equalTo(0));
  }

  @Test
  void unknownFieldIsNamed() {
    admin()
        .body(Map.of("name", uniqueDomain(), "colour", "red"))
        .post("/api/v1/domains")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("colour"))
        .body("detail", containsString("colour"));
  }

  @Test
  void readOnlyFieldsEchoedBackCauseNoError() {
    String name = createDomain();
    Map<String, Object> current =
        admin().get("/api/v1/domains/" + name).then().extract().as(Map.class);
    admin()
        .body(current)
        .put("/api/v1/domains/" + name)
        .then()
        .statusCode(200)
        .body("version", equalTo(current.get("version")));
  }

  @Test
  void writesAreAuditedInTheSameTransaction() {
    String name = createDomain();
    admin()
        .body(Map.of("description", "x"))
        .patch("/api/v1/domains/" + name)
        .then()
        .statusCode(200);
    admin()
        .queryParam("resourceKey", name)
        .get("/api/v1/audit-events")
        .then()
        .statusCode(200)
        .body("items.action", equalTo(List.of("domain.update", "domain.create")))
        .body("items[0].before.description", nullValue())
        .body("items[0].after.description", equalTo("x"));
  }
}
