package io.mailplane.config;

import static io.mailplane.TestApi.ADMIN_TOKEN;
import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.as;
import static io.mailplane.TestApi.createDomain;
import static io.mailplane.TestApi.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Password hashes are write-only everywhere but the config export, where they make a GitOps round
 * trip lossless: so only callers that may set them get them.
 */
@QuarkusTest
class ConfigPasswordHashScopeTest {
  private static final String HASH = ConfigResourceTest.HASH;

  private static List<Map<String, Object>> mailboxesOf(String token, String domain) {
    List<Map<String, Object>> all =
        as(token).get("/api/v1/config").then().statusCode(200).extract().path("mailboxes");
    return all.stream().filter(m -> ((String) m.get("address")).endsWith("@" + domain)).toList();
  }

  @Test
  void onlyWritersSeePasswordHashes() {
    String domain = createDomain();
    String other = createDomain();
    admin()
        .body(Map.of("address", "ann@" + domain, "passwordHash", HASH))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(201);
    admin()
        .body(Map.of("address", "bob@" + other, "passwordHash", HASH))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(201);

    String reader = token("read");
    List<Map<String, Object>> read = mailboxesOf(reader, domain);
    assertEquals(1, read.size(), read.toString());
    assertEquals(null, read.get(0).get("passwordHash"), "read token got a hash");
    String yaml =
        as(reader)
            .accept(ConfigResource.YAML)
            .get("/api/v1/config")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertFalse(yaml.contains(HASH), "read token got a hash in YAML");

    // read + domain:<domain> sees everything, but hashes only of its own domain.
    String mixed = token("read", "domain:" + domain);
    assertEquals(HASH, mailboxesOf(mixed, domain).get(0).get("passwordHash"));
    assertEquals(null, mailboxesOf(mixed, other).get(0).get("passwordHash"));
    assertEquals(HASH, mailboxesOf(ADMIN_TOKEN, other).get(0).get("passwordHash"));

    // What a reader exported, applied by a writer, keeps the hashes it did not show.
    String writer = token("domain:" + domain);
    Map<String, Object> document =
        Map.of("mailboxes", List.of(Map.of("address", "ann@" + domain, "quotaMb", 123)));
    String plan =
        as(writer)
            .body(document)
            .post("/api/v1/config:plan")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertTrue(plan.contains("quotaMb") && !plan.contains("passwordHash"), plan);
    as(writer).body(document).post("/api/v1/config:apply").then().statusCode(200);
    assertEquals(HASH, mailboxesOf(writer, domain).get(0).get("passwordHash"));
  }
}
