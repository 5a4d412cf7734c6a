package io.mailplane.domains;

import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.createDomain;
import static io.mailplane.TestApi.uniqueDomain;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class DomainResourceTest {

  @Test
  void createReadUpdateDelete() {
    String name = uniqueDomain();
    String etag =
        admin()
            .body(Map.of("name", name, "description", "main", "limits", Map.of("maxMailboxes", 10)))
            .post("/api/v1/domains")
            .then()
            .statusCode(201)
            .header("Location", endsWith("/api/v1/domains/" + name))
            .header("ETag", notNullValue())
            .body("name", equalTo(name))
            .body("enabled", equalTo(true))
            .body("limits.maxMailboxes", equalTo(10))
            .body("version", notNullValue())
            .extract()
            .header("ETag");

    admin()
        .get("/api/v1/domains/" + name.toUpperCase())
        .then()
        .statusCode(200)
        .body("name", equalTo(name));

    admin()
        .header("If-Match", etag)
        .contentType("application/merge-patch+json")
        .body(Map.of("description", "changed"))
        .patch("/api/v1/domains/" + name)
        .then()
        .statusCode(200)
        .body("description", equalTo("changed"))
        .body("limits.maxMailboxes", equalTo(10));

    admin()
        .header("If-Match", etag)
        .body(Map.of("description", "stale"))
        .patch("/api/v1/domains/" + name)
        .then()
        .statusCode(412)
        .contentType("application/problem+json")
        .body("type", equalTo("urn:mailplane:problem:precondition-failed"));

    admin().delete("/api/v1/domains/" + name).then().statusCode(204);
    admin().delete("/api/v1/domains/" + name).then().statusCode(404);
    admin().get("/api/v1/domains/" + name).then().statusCode(404).body("status", equalTo(404));
  }

  @Test
  void idnIsStoredAsALabelAndEchoedInUnicode() {
    String label = "bücher" + System.nanoTime();
    String unicode = label + ".example";
    admin()
        .body(Map.of("name", unicode))
        .post("/api/v1/domains")
        .then()
        .statusCode(201)
        .body("name", startsWith("xn--"))
        .body("unicodeName", equalTo(unicode));
    admin()
        .get("/api/v1/domains/" + unicode)
        .then()
        .statusCode(200)
        .body("unicodeName", equalTo(unicode));
  }

  @Test
  void putCreatesThenReplacesAndHonoursIfNoneMatch() {
    String name = uniqueDomain();
    admin().body(Map.of("description", "a")).put("/api/v1/domains/" + name).then().statusCode(201);
    admin()
        .body(Map.of("description", "b"))
        .put("/api/v1/domains/" + name)
        .then()
        .statusCode(200)
        .body("description", equalTo("b"));
    admin()
        .header("If-None-Match", "*")
        .body(Map.of("description", "c"))
        .put("/api/v1/domains/" + name)
        .then()
        .statusCode(412);
    admin()
        .body(Map.of("name", "other.example", "description", "c"))
        .put("/api/v1/domains/" + name)
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("name"));
  }

  @Test
  void duplicateCreateIsConflict() {
    String name = createDomain();
    admin()
        .body(Map.of("name", name))
        .post("/api/v1/domains")
        .then()
        .statusCode(409)
        .body("type", equalTo("urn:mailplane:problem:already-exists"));
  }

  @Test
  void identicalPutDoesNotChangeVersion() {
    String name = createDomain(Map.of("description", "same"));
    int before = admin().get("/api/v1/domains/" + name).then().extract().path("version");
    int after =
        admin()
            .body(Map.of("description", "same"))
            .put("/api/v1/domains/" + name)
            .then()
            .statusCode(200)
            .extract()
            .path("version");
    assertEquals(before, after);
  }

  @Test
  void mergePatchNullRemovesALimit() {
    String name = createDomain(Map.of("limits", Map.of("maxMailboxes", 5, "maxAliases", 7)));
    admin()
        .contentType("application/merge-patch+json")
        .body("{\"limits\":{\"maxMailboxes\":null}}")
        .patch("/api/v1/domains/" + name)
        .then()
        .statusCode(200)
        .body("limits.maxMailboxes", nullValue())
        .body("limits.maxAliases", equalTo(7));
  }
}
