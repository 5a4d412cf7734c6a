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

import io.mailplane.TestApi;
import io.quarkus.test.junit.QuarkusTest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class AliasDomainResourceTest {
  private static final String PROBLEM = "application/problem+json";
  private static final String PASSWORD = "Sup3r-Secret-Passw0rd";

  private static String createAliasDomain(String target) {
    return TestApi.createAliasDomain(uniqueDomain(), target);
  }

  @Test
  void createReadReplacePatchDelete() {
    String target = createDomain();
    String other = createDomain();
    String name = uniqueDomain();
    String etag =
        admin()
            .body(
                Map.of(
                    "name",
                    name.toUpperCase(),
                    "targetDomain",
                    target.toUpperCase(),
                    "description",
                    " old brand "))
            .post("/api/v1/alias-domains")
            .then()
            .statusCode(201)
            .header("Location", endsWith("/api/v1/alias-domains/" + name))
            .header("ETag", notNullValue())
            .body("name", equalTo(name))
            .body("unicodeName", equalTo(name))
            .body("targetDomain", equalTo(target))
            .body("description", equalTo("old brand"))
            .body("enabled", equalTo(true))
            .extract()
            .header("ETag");
    admin()
        .get("/api/v1/alias-domains/" + name.toUpperCase() + ".")
        .then()
        .statusCode(200)
        .header("ETag", equalTo(etag))
        .body("targetDomain", equalTo(target));
    admin()
        .header("If-Match", etag)
        .body(Map.of("targetDomain", other))
        .put("/api/v1/alias-domains/" + name)
        .then()
        .statusCode(200)
        .body("targetDomain", equalTo(other))
        .body("description", nullValue());
    admin()
        .contentType("application/merge-patch+json")
        .body(Map.of("enabled", false))
        .patch("/api/v1/alias-domains/" + name)
        .then()
        .statusCode(200)
        .body("enabled", equalTo(false))
        .body("targetDomain", equalTo(other));
    admin()
        .header("If-Match", etag)
        .body(Map.of("enabled", true))
        .patch("/api/v1/alias-domains/" + name)
        .then()
        .statusCode(412)
        .contentType(PROBLEM);
    admin()
        .queryParam("domain", other)
        .get("/api/v1/alias-domains")
        .then()
        .statusCode(200)
        .body("items.name", equalTo(List.of(name)));
    admin()
        .queryParam("domain", target)
        .get("/api/v1/alias-domains")
        .then()
        .statusCode(200)
        .body("items.size()", equalTo(0));
    admin()
        .queryParam("q", name)
        .queryParam("enabled", false)
        .get("/api/v1/alias-domains")
        .then()
        .body("items.name", equalTo(List.of(name)));
    admin()
        .body(Map.of("name", name, "targetDomain", target))
        .post("/api/v1/alias-domains")
        .then()
        .statusCode(409)
        .body("type", equalTo("urn:mailplane:problem:already-exists"));
    admin()
        .body(Map.of("name", uniqueDomain(), "targetDomain", target))
        .put("/api/v1/alias-domains/" + name)
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("name"));
    admin().delete("/api/v1/alias-domains/" + name).then().statusCode(204);
    admin().delete("/api/v1/alias-domains/" + name).then().statusCode(404).contentType(PROBLEM);
    admin().get("/api/v1/alias-domains/" + name).then().statusCode(404);
    List<String> actions =
        admin()
            .queryParam("resourceKey", name)
            .get("/api/v1/audit-events")
            .then()
            .extract()
            .path("items.action");
    assertEquals(
        List.of(
            "alias-domain.delete",
            "alias-domain.update",
            "alias-domain.update",
            "alias-domain.create"),
        actions);
  }

  @Test
  void putCreatesAndHonoursIfNoneMatch() {
    String target = createDomain();
    String name = uniqueDomain();
    admin()
        .header("If-None-Match", "*")
        .body(Map.of("targetDomain", target))
        .put("/api/v1/alias-domains/" + name)
        .then()
        .statusCode(201)
        .header("Location", endsWith("/api/v1/alias-domains/" + name));
    admin()
        .header("If-None-Match", "*")
        .body(Map.of("targetDomain", target))
        .put("/api/v1/alias-domains/" + name)
        .then()
        .statusCode(412);
    admin()
        .body(Map.of("targetDomain", target))
        .put("/api/v1/alias-domains/" + name)
        .then()
        .statusCode(200);
  }

  @Test
  void targetMustBeAnExistingHostedDomain() {
    String target = createDomain();
    String missing = uniqueDomain();
    String name = uniqueDomain();
    for (Map<String, Object> body :
        List.<Map<String, Object>>of(
            Map.of("name", name, "targetDomain", missing),
            Map.of("name", name),
            Map.of("name", name, "targetDomain", ""),
            Map.of("name", name, "targetDomain", "not a domain"))) {
      admin()
          .body(body)
          .post("/api/v1/alias-domains")
          .then()
          .statusCode(400)
          .contentType(PROBLEM)
          .body("type", equalTo("urn:mailplane:problem:validation-failed"))
          .body("errors.field", hasItem("targetDomain"));
    }
    admin()
        .body(Map.of("targetDomain", missing))
        .put("/api/v1/alias-domains/" + name)
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("targetDomain"));
    admin().get("/api/v1/alias-domains/" + name).then().statusCode(404);

    // An alias domain is not a valid target: targets are hosted domains only.
    String aliasDomain = createAliasDomain(target);
    admin()
        .body(Map.of("name", name, "targetDomain", aliasDomain))
        .post("/api/v1/alias-domains")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("targetDomain"));
    admin()
        .contentType("application/merge-patch+json")
        .body(Map.of("targetDomain", missing))
        .patch("/api/v1/alias-domains/" + aliasDomain)
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("targetDomain"));
    admin()
        .contentType("application/merge-patch+json")
        .body("{\"targetDomain\":null}")
        .patch("/api/v1/alias-domains/" + aliasDomain)
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("targetDomain"));
    admin()
        .get("/api/v1/alias-domains/" + aliasDomain)
        .then()
        .body("targetDomain", equalTo(target));
  }

  @Test
  void namesCollideWithHostedDomains() {
    String hosted = createDomain();
    String target = createDomain();
    admin()
        .body(Map.of("name", hosted, "targetDomain", target))
        .post("/api/v1/alias-domains")
        .then()
        .statusCode(409)
        .contentType(PROBLEM)
        .body("type", equalTo("urn:mailplane:problem:already-exists"));
    admin()
        .body(Map.of("targetDomain", target))
        .put("/api/v1/alias-domains/" + hosted.toUpperCase())
        .then()
        .statusCode(409)
        .body("type", equalTo("urn:mailplane:problem:already-exists"));
    // Pointing at itself is the same collision.
    admin()
        .body(Map.of("name", target, "targetDomain", target))
        .post("/api/v1/alias-domains")
        .then()
        .statusCode(409);

    String aliasDomain = createAliasDomain(target);
    admin()
        .body(Map.of("name", aliasDomain))
        .post("/api/v1/domains")
        .then()
        .statusCode(409)
        .contentType(PROBLEM)
        .body("type", equalTo("urn:mailplane:problem:already-exists"));
    admin()
        .body(Map.of("description", "x"))
        .put("/api/v1/domains/" + aliasDomain)
        .then()
        .statusCode(409)
        .body("type", equalTo("urn:mailplane:problem:already-exists"));
    admin().get("/api/v1/domains/" + aliasDomain).then().statusCode(404);
    admin().get("/api/v1/alias-domains/" + hosted).then().statusCode(404);
  }

  @Test
  void deletingADomainInUseIsRefusedUnlessCascading() {
    String withMailbox = createDomain();
    createMailbox("m@" + withMailbox, PASSWORD);
    String withAlias = createDomain();
    createAlias("a@" + withAlias, List.of("x@external.example"));
    String withAliasDomain = createDomain();
    String aliasDomain = createAliasDomain(withAliasDomain);
    for (String domain : List.of(withMailbox, withAlias, withAliasDomain)) {
      admin()
          .delete("/api/v1/domains/" + domain)
          .then()
          .statusCode(409)
          .contentType(PROBLEM)
          .body("type", equalTo("urn:mailplane:problem:resource-in-use"));
      admin()
          .queryParam("cascade", false)
          .delete("/api/v1/domains/" + domain)
          .then()
          .statusCode(409);
      admin().get("/api/v1/domains/" + domain).then().statusCode(200);
    }
    admin().get("/api/v1/mailboxes/m@" + withMailbox).then().statusCode(200);
    admin().get("/api/v1/aliases/a@" + withAlias).then().statusCode(200);
    admin().get("/api/v1/alias-domains/" + aliasDomain).then().statusCode(200);

    admin().delete("/api/v1/alias-domains/" + aliasDomain).then().statusCode(204);
    admin().delete("/api/v1/domains/" + withAliasDomain).then().statusCode(204);
  }

  @Test
  void cascadeRemovesEverything() {
    String domain = createDomain();
    String keep = createDomain();
    for (int i = 0; i < 3; i++) {
      createMailbox("m" + i + "@" + domain, PASSWORD);
    }
    createMailbox("kept@" + keep, PASSWORD);
    createAlias("a@" + domain, List.of("m0@" + domain, "x@external.example"));
    createAlias("@" + domain, List.of("m1@" + domain));
    String aliasDomain1 = createAliasDomain(domain);
    String aliasDomain2 = createAliasDomain(domain);
    // An alias elsewhere that points into the domain is not the domain's: it stays.
    createAlias("fwd@" + keep, List.of("m2@" + domain));

    admin().queryParam("cascade", true).delete("/api/v1/domains/" + domain).then().statusCode(204);

    admin().get("/api/v1/domains/" + domain).then().statusCode(404);
    for (int i = 0; i < 3; i++) {
      admin().get("/api/v1/mailboxes/m" + i + "@" + domain).then().statusCode(404);
    }
    admin().get("/api/v1/aliases/a@" + domain).then().statusCode(404);
    admin().get("/api/v1/aliases/@" + domain).then().statusCode(404);
    admin().get("/api/v1/alias-domains/" + aliasDomain1).then().statusCode(404);
    admin().get("/api/v1/alias-domains/" + aliasDomain2).then().statusCode(404);
    admin()
        .queryParam("q", "m")
        .queryParam("domain", domain)
        .get("/api/v1/mailboxes")
        .then()
        .statusCode(200)
        .body("items.size()", equalTo(0));
    admin().get("/api/v1/mailboxes/kept@" + keep).then().statusCode(200);
    admin().get("/api/v1/aliases/fwd@" + keep).then().statusCode(200);

    List<String> domainEvents =
        admin()
            .queryParam("resourceKey", domain)
            .queryParam("resourceType", "domain")
            .get("/api/v1/audit-events")
            .then()
            .extract()
            .path("items.action");
    assertEquals("domain.delete-cascade", domainEvents.get(0));
    List<String> aliasDomainEvents =
        admin()
            .queryParam("resourceKey", aliasDomain1)
            .get("/api/v1/audit-events")
            .then()
            .extract()
            .path("items.action");
    assertEquals("alias-domain.delete", aliasDomainEvents.get(0));

    // Every name is free again.
    String again = domain;
    admin().body(Map.of("name", again)).post("/api/v1/domains").then().statusCode(201);
    createMailbox("m0@" + again, PASSWORD);
    admin().body(Map.of("name", aliasDomain1)).post("/api/v1/domains").then().statusCode(201);
    Map<String, Object> body = new HashMap<>();
    body.put("name", aliasDomain2);
    body.put("targetDomain", again);
    admin().body(body).post("/api/v1/alias-domains").then().statusCode(201);
  }
}
