package io.mailplane.aliases;

import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.createAlias;
import static io.mailplane.TestApi.createDomain;
import static io.mailplane.TestApi.createMailbox;
import static io.mailplane.TestApi.uniqueDomain;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class AliasResourceTest {
  private static final String PROBLEM = "application/problem+json";
  private static final String PASSWORD = "Sup3r-Secret-Passw0rd";
  private static final String LOOP = "urn:mailplane:problem:alias-loop";

  private static Map<String, Object> alias(String address, String... destinations) {
    Map<String, Object> body = new HashMap<>();
    if (address != null) {
      body.put("address", address);
    }
    body.put("destinations", Arrays.asList(destinations));
    return body;
  }

  @Test
  void createReadReplacePatchDelete() {
    String domain = createDomain();
    String address = "sales@" + domain;
    String etag =
        admin()
            .body(alias("Sales@" + domain.toUpperCase(), "John@" + domain, "jane@External.Example"))
            .post("/api/v1/aliases")
            .then()
            .statusCode(201)
            .header("Location", endsWith("/api/v1/aliases/" + address))
            .header("ETag", notNullValue())
            .body("address", equalTo(address))
            .body("domain", equalTo(domain))
            .body("catchAll", equalTo(false))
            .body("enabled", equalTo(true))
            .body("destinations", equalTo(List.of("john@" + domain, "jane@external.example")))
            .extract()
            .header("ETag");
    admin()
        .get("/api/v1/aliases/SALES@" + domain)
        .then()
        .statusCode(200)
        .header("ETag", equalTo(etag))
        .body("address", equalTo(address));
    admin()
        .body(alias(null, "team@external.example"))
        .put("/api/v1/aliases/" + address)
        .then()
        .statusCode(200)
        .body("destinations", equalTo(List.of("team@external.example")))
        .body("description", nullValue());
    admin()
        .contentType("application/merge-patch+json")
        .body(Map.of("description", "Sales team", "enabled", false))
        .patch("/api/v1/aliases/" + address)
        .then()
        .statusCode(200)
        .body("description", equalTo("Sales team"))
        .body("enabled", equalTo(false))
        .body("destinations", equalTo(List.of("team@external.example")));
    admin()
        .header("If-Match", etag)
        .contentType("application/merge-patch+json")
        .body(Map.of("enabled", true))
        .patch("/api/v1/aliases/" + address)
        .then()
        .statusCode(412);
    admin()
        .body(alias(address, "x@external.example"))
        .post("/api/v1/aliases")
        .then()
        .statusCode(409)
        .contentType(PROBLEM)
        .body("type", equalTo("urn:mailplane:problem:already-exists"));
    admin()
        .body(alias("other@" + domain, "x@external.example"))
        .put("/api/v1/aliases/" + address)
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("address"));
    List<String> actions =
        admin()
            .queryParam("resourceKey", address)
            .get("/api/v1/audit-events")
            .then()
            .extract()
            .path("items.action");
    assertEquals(List.of("alias.update", "alias.update", "alias.create"), actions);
    admin().delete("/api/v1/aliases/" + address).then().statusCode(204);
    admin().delete("/api/v1/aliases/" + address).then().statusCode(404).contentType(PROBLEM);
    admin().get("/api/v1/aliases/" + address).then().statusCode(404);
  }

  @Test
  void putCreatesAndHonoursIfNoneMatch() {
    String domain = createDomain();
    String address = "info@" + domain;
    admin()
        .header("If-None-Match", "*")
        .body(alias(null, "a@external.example"))
        .put("/api/v1/aliases/" + address)
        .then()
        .statusCode(201)
        .header("Location", endsWith("/api/v1/aliases/" + address));
    admin()
        .header("If-None-Match", "*")
        .body(alias(null, "b@external.example"))
        .put("/api/v1/aliases/" + address)
        .then()
        .statusCode(412);
    admin()
        .get("/api/v1/aliases/" + address)
        .then()
        .body("destinations", equalTo(List.of("a@external.example")));
  }

  @Test
  void catchAllIsKeyedByAtDomain() {
    String domain = createDomain();
    createMailbox("postmaster@" + domain, PASSWORD);
    String key = "@" + domain;
    admin()
        .body(alias(null, "postmaster@" + domain))
        .put("/api/v1/aliases/" + key)
        .then()
        .statusCode(201)
        .header("Location", endsWith("/api/v1/aliases/" + key))
        .body("address", equalTo(key))
        .body("catchAll", equalTo(true))
        .body("domain", equalTo(domain));
    admin()
        .get("/api/v1/aliases/@" + domain.toUpperCase())
        .then()
        .statusCode(200)
        .body("catchAll", equalTo(true))
        .body("destinations", equalTo(List.of("postmaster@" + domain)));
    admin()
        .body(alias(key, "postmaster@" + domain))
        .post("/api/v1/aliases")
        .then()
        .statusCode(409)
        .body("type", equalTo("urn:mailplane:problem:already-exists"));
    admin()
        .queryParam("domain", domain)
        .get("/api/v1/aliases")
        .then()
        .statusCode(200)
        .body("items.address", equalTo(List.of(key)));
    admin().delete("/api/v1/aliases/" + key).then().statusCode(204);
    admin()
        .body(alias(key, "someone@external.example"))
        .post("/api/v1/aliases")
        .then()
        .statusCode(201)
        .body("catchAll", equalTo(true));
    // A catch-all is never a destination.
    admin()
        .body(alias("x@" + domain, "@" + domain))
        .post("/api/v1/aliases")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("destinations[0]"));
  }

  @Test
  void destinationsAreNormalizedAndDeduplicatedInOrder() {
    String domain = createDomain();
    admin()
        .body(
            alias(
                "list@" + domain,
                "Zed@Example.ORG",
                "amy@example.org",
                " zed@example.org ",
                "AMY@EXAMPLE.ORG",
                "bob@example.org",
                "zed@example.org."))
        .post("/api/v1/aliases")
        .then()
        .statusCode(201)
        .body(
            "destinations",
            equalTo(List.of("zed@example.org", "amy@example.org", "bob@example.org")));
  }

  @Test
  void invalidDestinationsNameTheirIndex() {
    String domain = createDomain();
    List<String> bad =
        List.of(
            "not-an-address",
            "",
            "a..b@example.org",
            "user@",
            "user@bad_domain.example",
            "us er@example.org",
            "x".repeat(65) + "@example.org",
            "user@" + "a".repeat(300) + ".example",
            "user%other@example.org",
            "user@example.org\nBcc: evil@example.org");
    for (String destination : bad) {
      admin()
          .body(alias("a@" + domain, "ok@example.org", destination))
          .post("/api/v1/aliases")
          .then()
          .statusCode(400)
          .contentType(PROBLEM)
          .body("type", equalTo("urn:mailplane:problem:validation-failed"))
          .body("errors.field", hasItem("destinations[1]"));
    }
    Map<String, Object> withNull = new HashMap<>();
    withNull.put("address", "a@" + domain);
    withNull.put("destinations", Arrays.asList("ok@example.org", null));
    admin()
        .body(withNull)
        .post("/api/v1/aliases")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("destinations[1]"));
    admin()
        .body(alias("a@" + domain))
        .post("/api/v1/aliases")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("destinations"));
    admin()
        .body(Map.of("address", "a@" + domain))
        .post("/api/v1/aliases")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("destinations"));
    admin().get("/api/v1/aliases/a@" + domain).then().statusCode(404);
  }

  @Test
  void twoAliasesPointingAtEachOtherAreALoop() {
    String domain = createDomain();
    createAlias("a@" + domain, List.of("b@" + domain));
    admin()
        .body(alias("b@" + domain, "a@" + domain))
        .post("/api/v1/aliases")
        .then()
        .statusCode(409)
        .contentType(PROBLEM)
        .body("type", equalTo(LOOP));
    // Also through a longer chain, and when an update closes the circle.
    createAlias("b@" + domain, List.of("c@" + domain));
    admin()
        .body(alias(null, "x@external.example", "A@" + domain))
        .put("/api/v1/aliases/c@" + domain)
        .then()
        .statusCode(409)
        .body("type", equalTo(LOOP));
    createAlias("c@" + domain, List.of("x@external.example"));
    admin()
        .contentType("application/merge-patch+json")
        .body(Map.of("destinations", List.of("x@external.example", "a@" + domain)))
        .patch("/api/v1/aliases/c@" + domain)
        .then()
        .statusCode(409)
        .body("type", equalTo(LOOP));
    admin()
        .get("/api/v1/aliases/c@" + domain)
        .then()
        .body("destinations", equalTo(List.of("x@external.example")));
  }

  @Test
  void loopThroughAnAliasDomainIsDetected() {
    String domain = createDomain();
    String aliasDomain = uniqueDomain();
    admin()
        .body(Map.of("name", aliasDomain, "targetDomain", domain))
        .post("/api/v1/alias-domains")
        .then()
        .statusCode(201);
    createAlias("a@" + domain, List.of("b@" + aliasDomain));
    admin()
        .body(alias("b@" + domain, "a@" + aliasDomain))
        .post("/api/v1/aliases")
        .then()
        .statusCode(409)
        .body("type", equalTo(LOOP));
  }

  @Test
  void aliasListingItselfIsALoopUnlessItIsAMailbox() {
    String domain = createDomain();
    admin()
        .body(alias("self@" + domain, "SELF@" + domain))
        .post("/api/v1/aliases")
        .then()
        .statusCode(409)
        .contentType(PROBLEM)
        .body("type", equalTo(LOOP));
    admin()
        .body(alias("self@" + domain, "copy@external.example", "self@" + domain))
        .post("/api/v1/aliases")
        .then()
        .statusCode(409)
        .body("type", equalTo(LOOP));

    // A mailbox that keeps a copy of its mail and forwards it is fine.
    createMailbox("box@" + domain, PASSWORD);
    admin()
        .body(alias("box@" + domain, "box@" + domain, "copy@external.example"))
        .post("/api/v1/aliases")
        .then()
        .statusCode(201)
        .body("destinations", equalTo(List.of("box@" + domain, "copy@external.example")));
    // ... and another alias may point at it.
    createAlias("team@" + domain, List.of("box@" + domain));
  }

  @Test
  void catchAllToANonMailboxOfItsOwnDomainIsALoop() {
    String domain = createDomain();
    admin()
        .body(alias(null, "nobody@" + domain))
        .put("/api/v1/aliases/@" + domain)
        .then()
        .statusCode(409)
        .contentType(PROBLEM)
        .body("type", equalTo(LOOP));
    // An alias in the domain that leads to a non-mailbox falls to the catch-all as well.
    createAlias("sales@" + domain, List.of("ghost@" + domain));
    admin()
        .body(alias(null, "sales@" + domain))
        .put("/api/v1/aliases/@" + domain)
        .then()
        .statusCode(409)
        .body("type", equalTo(LOOP));
    createMailbox("real@" + domain, PASSWORD);
    admin()
        .body(alias(null, "real@" + domain))
        .put("/api/v1/aliases/@" + domain)
        .then()
        .statusCode(201)
        .body("catchAll", equalTo(true));
    // With the catch-all in place, an alias to a non-mailbox is caught by it: no loop.
    createAlias("info@" + domain, List.of("nobody@" + domain));
  }

  @Test
  void maxAliasesIsEnforced() {
    String domain = createDomain(Map.of("limits", Map.of("maxAliases", 2)));
    createAlias("a@" + domain, List.of("x@external.example"));
    admin()
        .body(alias(null, "x@external.example"))
        .put("/api/v1/aliases/@" + domain)
        .then()
        .statusCode(201);
    admin()
        .body(alias("c@" + domain, "x@external.example"))
        .post("/api/v1/aliases")
        .then()
        .statusCode(409)
        .contentType(PROBLEM)
        .body("type", equalTo("urn:mailplane:problem:alias-limit-reached"));
    admin()
        .body(alias(null, "x@external.example"))
        .put("/api/v1/aliases/c@" + domain)
        .then()
        .statusCode(409)
        .body("type", equalTo("urn:mailplane:problem:alias-limit-reached"));
    admin()
        .body(alias(null, "y@external.example"))
        .put("/api/v1/aliases/a@" + domain)
        .then()
        .statusCode(200);
    admin()
        .contentType("application/merge-patch+json")
        .body(Map.of("limits", Map.of("maxAliases", 1)))
        .patch("/api/v1/domains/" + domain)
        .then()
        .statusCode(409)
        .body("type", equalTo("urn:mailplane:problem:limit-below-usage"));
    admin().delete("/api/v1/aliases/a@" + domain).then().statusCode(204);
    createAlias("c@" + domain, List.of("x@external.example"));
  }

  @Test
  void aliasInUnknownDomainIsNotFound() {
    String missing = uniqueDomain();
    admin()
        .body(alias("a@" + missing, "x@external.example"))
        .post("/api/v1/aliases")
        .then()
        .statusCode(404)
        .contentType(PROBLEM);
    admin()
        .body(alias(null, "x@external.example"))
        .put("/api/v1/aliases/@" + missing)
        .then()
        .statusCode(404);
  }

  @Test
  void listFiltersAndPages() {
    String domain = createDomain();
    for (String local : List.of("", "a1", "a2", "a3", "b1")) {
      createAlias(local + "@" + domain, List.of("x@external.example"));
    }
    admin()
        .contentType("application/merge-patch+json")
        .body(Map.of("enabled", false))
        .patch("/api/v1/aliases/a2@" + domain)
        .then()
        .statusCode(200);
    List<String> all = new java.util.ArrayList<>();
    String after = null;
    do {
      var request = admin().queryParam("domain", domain).queryParam("limit", 2);
      if (after != null) {
        request.queryParam("after", after);
      }
      var page = request.get("/api/v1/aliases").then().statusCode(200).extract();
      all.addAll(page.path("items.address"));
      after = page.path("next");
    } while (after != null);
    assertEquals(
        List.of("@" + domain, "a1@" + domain, "a2@" + domain, "a3@" + domain, "b1@" + domain), all);
    admin()
        .queryParam("domain", domain)
        .queryParam("q", "a")
        .queryParam("enabled", true)
        .get("/api/v1/aliases")
        .then()
        .body("items.address", equalTo(List.of("a1@" + domain, "a3@" + domain)));
    admin()
        .queryParam("after", "garbage")
        .get("/api/v1/aliases")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("after"));
  }
}
