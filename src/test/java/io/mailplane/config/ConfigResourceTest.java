package io.mailplane.config;

import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.as;
import static io.mailplane.TestApi.createAlias;
import static io.mailplane.TestApi.createDomain;
import static io.mailplane.TestApi.token;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailplane.contract.ResponseContract;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Export, plan and apply. Most cases run as a token scoped to a fresh domain, so that the document
 * (and what prune would delete) is confined to objects this test made: the shared test database
 * holds every other test's domains too.
 */
@QuarkusTest
class ConfigResourceTest {
  static final String HASH = "$2y$05$abcdefghijklmnopqrstuu5Wb0QxX5Om3Y.yTZuHRDGBmzMqG5uKe";
  static final ObjectMapper JSON = new ObjectMapper();

  @TestHTTPResource("/")
  URL base;

  /** A domain with limits, two mailboxes, an alias, a catch-all and Ed25519 DKIM. */
  record Fixture(String domain, String token) {}

  Fixture fixture() {
    String domain =
        createDomain(
            Map.of(
                "limits",
                Map.of("maxMailboxes", 10, "maxQuotaMb", 4096, "defaultQuotaMb", 1024),
                "description",
                "fixture"));
    admin()
        .body(Map.of("address", "ann@" + domain, "passwordHash", HASH, "quotaMb", 2048))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(201);
    admin()
        .body(Map.of("address", "bob@" + domain, "password", "a-long-secret-password"))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(201);
    createAlias("sales@" + domain, List.of("ann@" + domain));
    createAlias("@" + domain, List.of("bob@" + domain));
    admin()
        .body(Map.of("algorithm", "ed25519"))
        .put("/api/v1/domains/" + domain + "/dkim")
        .then()
        .statusCode(201);
    return new Fixture(domain, token("domain:" + domain));
  }

  static ObjectNode export(String token) throws Exception {
    return (ObjectNode)
        JSON.readTree(as(token).get("/api/v1/config").then().statusCode(200).extract().asString());
  }

  static String etag(String token) {
    return as(token).get("/api/v1/config").then().statusCode(200).extract().header("ETag");
  }

  @Test
  void exportShowsTheScopeWithHashesAndWithoutSecrets() throws Exception {
    Fixture f = fixture();
    Response response = as(f.token()).get("/api/v1/config");
    response.then().statusCode(200).header("ETag", org.hamcrest.Matchers.matchesRegex("\"\\d+\""));
    ObjectNode doc = (ObjectNode) JSON.readTree(response.asString());
    assertEquals(
        List.of("certificates", "domains", "aliasDomains", "dkim", "mailboxes", "aliases"),
        iterate(doc.fieldNames()));
    assertEquals(1, doc.get("domains").size());
    JsonNode domain = doc.get("domains").get(0);
    assertEquals(f.domain(), domain.get("name").asText());
    assertEquals(4096, domain.get("limits").get("maxQuotaMb").asLong());
    assertEquals(HASH, doc.get("mailboxes").get(0).get("passwordHash").asText());
    String bobHash = doc.get("mailboxes").get(1).get("passwordHash").asText();
    assertFalse(bobHash.isEmpty() || bobHash.equals(HASH) || bobHash.contains("a-long-secret"));
    assertFalse(doc.get("mailboxes").get(0).has("password"));
    assertEquals("@" + f.domain(), doc.get("aliases").get(0).get("address").asText());
    assertEquals("ed25519", doc.get("dkim").get(0).get("algorithm").asText());
    String text = response.asString();
    assertFalse(text.contains("PRIVATE KEY"));
    assertFalse(text.contains("privateKey"));
    assertFalse(text.contains("token"));

    String yaml =
        as(f.token())
            .accept("application/yaml")
            .get("/api/v1/config")
            .then()
            .statusCode(200)
            .contentType(containsString("application/yaml"))
            .extract()
            .asString();
    assertTrue(yaml.contains("passwordHash"), yaml);
    assertTrue(yaml.contains("sales@" + f.domain()), yaml);
  }

  @Test
  void planShowsExactlyTheDiffAndChangesNothing() throws Exception {
    Fixture f = fixture();
    String d = f.domain();
    ObjectNode before = export(f.token());
    String etag = etag(f.token());
    ObjectNode doc = before.deepCopy();
    ObjectNode ann = (ObjectNode) doc.get("mailboxes").get(0);
    ann.put("quotaMb", 4096).put("displayName", "Ann");
    ((ArrayNode) doc.get("mailboxes"))
        .addObject()
        .put("address", "Carl@" + d)
        .put("passwordHash", HASH)
        .put("quotaMb", 512);
    // sales@ is left out: deleted. The catch-all gets a second destination.
    ArrayNode aliases = (ArrayNode) doc.get("aliases");
    aliases.remove(1);
    ((ArrayNode) aliases.get(0).get("destinations")).add("ann@" + d);

    String plan =
        as(f.token())
            .body(doc.toString())
            .post("/api/v1/config:plan")
            .then()
            .statusCode(200)
            .header("ETag", etag)
            .body("dryRun", equalTo(true))
            .body("prune", equalTo(true))
            .body("summary.create", equalTo(1))
            .body("summary.update", equalTo(2))
            .body("summary.delete", equalTo(1))
            .extract()
            .asString();
    JsonNode changes = JSON.readTree(plan).get("changes");
    // Sections in dependency order, keys sorted, fields in document order.
    assertEquals(
        List.of(
            "mailbox ann@" + d + " update displayName,quotaMb",
            "mailbox carl@" + d + " create",
            "alias @" + d + " update destinations",
            "alias sales@" + d + " delete"),
        summarize(changes));
    JsonNode quota = field(changes, "ann@" + d, "quotaMb");
    assertEquals(2048, quota.get("before").asLong());
    assertEquals(4096, quota.get("after").asLong());
    JsonNode created = field(changes, "carl@" + d, "passwordHash");
    assertTrue(created.get("before") == null || created.get("before").isNull());
    assertEquals(HASH, created.get("after").asText());

    assertEquals(before, export(f.token()), "plan changed nothing");
    assertEquals(etag, etag(f.token()));
  }

  @Test
  void applyChangesWhatThePlanSaidAndTheRoundTripIsANoOp() throws Exception {
    Fixture f = fixture();
    String d = f.domain();
    String etag = etag(f.token());
    ObjectNode doc = export(f.token());
    ((ObjectNode) doc.get("mailboxes").get(1)).put("enabled", false);
    ((ObjectNode) doc.get("dkim").get(0)).put("selector", "s2");
    String plan =
        as(f.token())
            .header("If-Match", etag)
            .body(doc.toString())
            .post("/api/v1/config:plan")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    Response applied =
        as(f.token()).header("If-Match", etag).body(doc.toString()).post("/api/v1/config:apply");
    applied.then().statusCode(200).body("dryRun", equalTo(false));
    assertEquals(
        JSON.readTree(plan).get("changes"), JSON.readTree(applied.asString()).get("changes"));
    String newEtag = applied.header("ETag");
    assertNotEquals(etag, newEtag);
    assertEquals(newEtag, etag(f.token()));
    admin().get("/api/v1/mailboxes/bob@" + d).then().body("enabled", equalTo(false));
    admin().get("/api/v1/domains/" + d + "/dkim").then().body("selector", equalTo("s2"));
    admin()
        .queryParam("resourceKey", "bob@" + d)
        .get("/api/v1/audit-events")
        .then()
        .body("items.action", hasItem("mailbox.update"));

    // Export → apply of the same document: nothing changes, the revision stays.
    ObjectNode exported = export(f.token());
    as(f.token())
        .header("If-Match", newEtag)
        .body(exported.toString())
        .post("/api/v1/config:apply")
        .then()
        .statusCode(200)
        .body("changes.size()", equalTo(0))
        .header("ETag", newEtag);
    String yaml =
        as(f.token()).accept("application/yaml").get("/api/v1/config").then().extract().asString();
    as(f.token())
        .contentType("application/yaml")
        .header("If-Match", newEtag)
        .body(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .post("/api/v1/config:apply")
        .then()
        .statusCode(200)
        .body("changes.size()", equalTo(0));
    assertEquals(exported, export(f.token()));
    assertEquals(newEtag, etag(f.token()));
  }

  /** Everything in the shared test database (RSA DKIM, alias domains, ...), as admin. */
  @Test
  void theAdminsWholeExportPlansToNothing() throws Exception {
    fixture();
    Response json = admin().get("/api/v1/config");
    admin()
        .header("If-Match", json.header("ETag"))
        .body(json.asString())
        .post("/api/v1/config:plan")
        .then()
        .statusCode(200)
        .body("changes.size()", equalTo(0));
    byte[] yaml =
        admin()
            .accept("application/yaml")
            .get("/api/v1/config")
            .then()
            .statusCode(200)
            .extract()
            .asByteArray();
    admin()
        .contentType("application/yaml")
        .body(yaml)
        .post("/api/v1/config:plan")
        .then()
        .statusCode(200)
        .body("changes.size()", equalTo(0));
  }

  @Test
  void oneInvalidObjectChangesNothing() throws Exception {
    Fixture f = fixture();
    ObjectNode before = export(f.token());
    String etag = etag(f.token());
    ObjectNode doc = before.deepCopy();
    ((ObjectNode) doc.get("mailboxes").get(0)).put("displayName", "valid change");
    ((ArrayNode) doc.get("aliases"))
        .addObject()
        .put("address", "x@" + f.domain())
        .putArray("destinations")
        .add("not an address");
    as(f.token())
        .body(doc.toString())
        .post("/api/v1/config:apply")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors.field", hasItem("aliases[x@" + f.domain() + "].destinations[0]"));
    // A service rule (quota above the domain's maximum), not only a format check.
    ObjectNode over = before.deepCopy();
    ((ObjectNode) over.get("mailboxes").get(1)).put("quotaMb", 999999);
    as(f.token())
        .body(over.toString())
        .post("/api/v1/config:apply")
        .then()
        .statusCode(409)
        .body("detail", containsString("mailboxes[bob@" + f.domain() + "]"));
    assertEquals(before, export(f.token()));
    assertEquals(etag, etag(f.token()));
  }

  @Test
  void staleIfMatchIs412() throws Exception {
    Fixture f = fixture();
    String etag = etag(f.token());
    ObjectNode doc = export(f.token());
    createAlias("late@" + f.domain(), List.of("ann@" + f.domain()));
    ((ObjectNode) doc.get("mailboxes").get(0)).put("displayName", "x");
    as(f.token())
        .header("If-Match", etag)
        .body(doc.toString())
        .post("/api/v1/config:apply")
        .then()
        .statusCode(412)
        .contentType("application/problem+json");
    as(f.token())
        .header("If-Match", etag)
        .body(doc.toString())
        .post("/api/v1/config:plan")
        .then()
        .statusCode(412);
    as(f.token()).get("/api/v1/aliases/late@" + f.domain()).then().statusCode(200);
    as(f.token())
        .get("/api/v1/mailboxes/ann@" + f.domain())
        .then()
        .body("displayName", org.hamcrest.Matchers.nullValue());
  }

  @Test
  void scopedTokensSeeAndChangeOnlyTheirDomains() throws Exception {
    Fixture mine = fixture();
    String other = createDomain();
    createAlias("keep@" + other, List.of("x@example.org"));
    ObjectNode doc = export(mine.token());
    assertFalse(doc.toString().contains(other));
    // Prune with every section present deletes nothing outside the scope.
    as(mine.token())
        .body(doc.toString())
        .post("/api/v1/config:apply")
        .then()
        .statusCode(200)
        .body("changes.size()", equalTo(0));
    admin().get("/api/v1/aliases/keep@" + other).then().statusCode(200);
    // An object in another domain answers as if that domain did not exist.
    ObjectNode foreign = doc.deepCopy();
    ((ArrayNode) foreign.get("aliases"))
        .addObject()
        .put("address", "evil@" + other)
        .putArray("destinations")
        .add("x@example.org");
    as(mine.token()).body(foreign.toString()).post("/api/v1/config:apply").then().statusCode(404);
    // Deleting (or changing) its own domain needs admin.
    ObjectNode noDomain = doc.deepCopy();
    ((ArrayNode) noDomain.get("domains")).removeAll();
    as(mine.token()).body(noDomain.toString()).post("/api/v1/config:plan").then().statusCode(403);
    admin().get("/api/v1/domains/" + mine.domain()).then().statusCode(200);
  }

  @Test
  void absentSectionsAreLeftAloneAndPruneFalseOnlyAddsOrUpdates() throws Exception {
    Fixture f = fixture();
    // Only aliases are managed: mailboxes, DKIM and the domain are untouched.
    String aliasesOnly =
        "{\"aliases\":[{\"address\":\"new@"
            + f.domain()
            + "\",\"destinations\":[\"ann@"
            + f.domain()
            + "\"]}]}";
    String plan =
        as(f.token())
            .queryParam("prune", "false")
            .body(aliasesOnly)
            .post("/api/v1/config:plan")
            .then()
            .statusCode(200)
            .body("prune", equalTo(false))
            .extract()
            .asString();
    assertEquals(
        List.of("alias new@" + f.domain() + " create"),
        summarize(JSON.readTree(plan).get("changes")));
    String pruned =
        as(f.token())
            .body(aliasesOnly)
            .post("/api/v1/config:plan")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertEquals(
        List.of(
            "alias @" + f.domain() + " delete",
            "alias new@" + f.domain() + " create",
            "alias sales@" + f.domain() + " delete"),
        summarize(JSON.readTree(pruned).get("changes")));
  }

  @Test
  void adminCreatesDomainsAliasDomainsAndDkimFromADocument() throws Exception {
    String d = io.mailplane.TestApi.uniqueDomain();
    String alias = io.mailplane.TestApi.uniqueDomain();
    String yaml =
        String.join(
            "\n",
            "domains:",
            "  - name: " + d,
            "    limits: {maxMailboxes: 5}",
            "aliasDomains:",
            "  - {name: " + alias + ", targetDomain: " + d + "}",
            "dkim:",
            "  - {domain: " + d + ", algorithm: ed25519}",
            "mailboxes:",
            "  - {address: info@" + d + ", password: correct-horse-battery-staple}",
            "");
    admin()
        .contentType("application/yaml")
        .queryParam("prune", "false")
        .body(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .post("/api/v1/config:apply")
        .then()
        .statusCode(200)
        .body("summary.create", equalTo(4));
    admin().get("/api/v1/alias-domains/" + alias).then().statusCode(200);
    admin().get("/api/v1/domains/" + d + "/dkim").then().body("enabled", equalTo(true));
    admin().get("/api/v1/mailboxes/info@" + d).then().body("quotaMb", equalTo(0));
    // The same document again: the password matches the stored hash, nothing changes.
    admin()
        .contentType("application/yaml")
        .queryParam("prune", "false")
        .body(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .post("/api/v1/config:plan")
        .then()
        .statusCode(200)
        .body("changes.size()", equalTo(0));
  }

  @Test
  void hostileDocumentsAre4xx() throws Exception {
    Fixture f = fixture();
    String etag = etag(f.token());
    String m = "{\"address\":\"ann@" + f.domain() + "\",\"quotaMb\":";
    List<String[]> cases =
        List.of(
            new String[] {"{\"aliases\":[],\"aliases\":[]}", "400"},
            new String[] {"{\"mailboxes\":[" + m + "1, \"quotaMb\":2}]}", "400"},
            new String[] {"{\"mailboxes\":[" + m + "\"100\"}]}", "400"},
            new String[] {"{\"mailboxes\":[" + m + "1.5}]}", "400"},
            new String[] {"{\"mailboxes\":[" + m + "1, \"superuser\":true}]}", "400"},
            // The seed's admin flag exists, but only an admin may set it.
            new String[] {"{\"mailboxes\":[" + m + "1, \"admin\":true}]}", "403"},
            new String[] {"{\"mailboxes\":[" + m + "1}," + m + "2}]}", "400"},
            new String[] {"{\"mailboxes\":[null]}", "400"},
            new String[] {"{\"mailboxes\":{}}", "400"},
            new String[] {"{\"tokens\":[]}", "400"},
            new String[] {"[]", "400"},
            new String[] {"null", "400"},
            new String[] {"{\"aliases\":[]} {}", "400"},
            new String[] {"{\"aliases\":[", "400"},
            new String[] {"{\"mailboxes\":[{\"address\":\"not-an-address\"}]}", "400"},
            new String[] {"{\"domains\":[{\"name\":\"" + "a".repeat(300) + ".com\"}]}", "400"});
    for (String[] c : cases) {
      as(f.token())
          .body(c[0])
          .post("/api/v1/config:apply")
          .then()
          .statusCode(Integer.parseInt(c[1]))
          .contentType("application/problem+json");
    }
    // Huge: over mailplane.config.max-body-bytes (16 MiB); the 413 names the limit's setting.
    String huge =
        "{\"aliases\":[{\"address\":\"a@"
            + f.domain()
            + "\",\"destinations\":[\"ann@"
            + f.domain()
            + "\"],\"description\":\""
            + "x".repeat(16 * 1024 * 1024)
            + "\"}]}";
    as(f.token())
        .body(huge)
        .post("/api/v1/config:apply")
        .then()
        .statusCode(413)
        .contentType("application/problem+json")
        .body("detail", containsString("mailplane.config.max-body-bytes"));
    // YAML: duplicate keys, an alias bomb (Jackson does not expand aliases: they read as strings
    // and fail the schema), wrong types.
    String bomb =
        "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
            + "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n";
    for (String yaml :
        List.of(
            "aliases: []\naliases: []\n",
            bomb,
            "mailboxes:\n  - {address: ann@" + f.domain() + ", quotaMb: \"100\"}\n",
            "mailboxes:\n  - {address: ann@" + f.domain() + ", enabled: maybe}\n",
            "aliases: *x\n",
            "- just\n- a list\n")) {
      as(f.token())
          .contentType("application/yaml")
          .body(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8))
          .post("/api/v1/config:apply")
          .then()
          .statusCode(400)
          .contentType("application/problem+json");
    }
    as(f.token())
        .contentType("text/plain")
        .body("{}")
        .post("/api/v1/config:apply")
        .then()
        .statusCode(415);
    as(f.token()).body("{}").get("/api/v1/config:apply").then().statusCode(405);
    assertEquals(etag, etag(f.token()), "nothing changed");
  }

  /** Raw HTTP, as curl sends it: the colon is literal in the path, and also percent-encoded. */
  @Test
  void colonActionPathsRouteLikeCurl() throws Exception {
    Fixture f = fixture();
    HttpClient client = HttpClient.newHttpClient();
    for (String path : List.of("api/v1/config:plan", "api/v1/config%3Aplan")) {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(URI.create(base + path))
                  .header("Authorization", "Bearer " + f.token())
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"aliases\":null}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      ResponseContract.check(response.request(), response);
      assertEquals(200, response.statusCode(), path + ": " + response.body());
      assertTrue(response.body().contains("\"dryRun\":true"), response.body());
    }
    HttpResponse<String> unknown =
        client.send(
            HttpRequest.newBuilder(URI.create(base + "api/v1/config:destroy"))
                .header("Authorization", "Bearer " + f.token())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(404, unknown.statusCode());
  }

  private static List<String> summarize(JsonNode changes) {
    List<String> out = new ArrayList<>();
    for (JsonNode change : changes) {
      List<String> fields = new ArrayList<>();
      change.get("fields").forEach(field -> fields.add(field.get("field").asText()));
      String line =
          change.get("resource").asText()
              + " "
              + change.get("key").asText()
              + " "
              + change.get("action").asText();
      out.add(
          change.get("action").asText().equals("update")
              ? line + " " + String.join(",", fields)
              : line);
    }
    return out;
  }

  private static JsonNode field(JsonNode changes, String key, String name) {
    for (JsonNode change : changes) {
      if (change.get("key").asText().equals(key)) {
        for (JsonNode field : change.get("fields")) {
          if (field.get("field").asText().equals(name)) {
            return field;
          }
        }
      }
    }
    throw new AssertionError("no change of " + name + " of " + key + " in " + changes);
  }

  private static List<String> iterate(java.util.Iterator<String> names) {
    List<String> out = new ArrayList<>();
    names.forEachRemaining(out::add);
    return out;
  }
}
