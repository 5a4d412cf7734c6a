package io.mailplane.config;

import static io.mailplane.TestApi.ADMIN_TOKEN;
import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.as;
import static io.mailplane.TestApi.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailplane.TestApi;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The export is the same document, byte for byte, as the one GET /api/v1/config built in memory
 * before it streamed (commit ec712f2): the files in src/test/resources/config/export-golden were
 * written by this test on that commit (-Dexport.golden.record=true writes them again, from the code
 * under test). Domain names are random per run, so they are replaced by fixed ones before the
 * comparison; the second domain's name sorts after the first's, as the fixed ones do. The fixture
 * has more mailboxes and aliases than one export page holds in the test profile.
 */
@QuarkusTest
class ConfigExportGoldenTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HASH = ConfigResourceTest.HASH;
  private static final Path RECORD_TO = Path.of("src/test/resources/config/export-golden");
  static final int MAILBOXES = 130;
  static final int ALIASES = 120;

  record Names(String one, String two, String aliasDomain) {
    /** Longest first: the other two names end with the first. */
    String fixed(String text) {
      return text.replace(two, "two.example")
          .replace(aliasDomain, "three.example")
          .replace(one, "one.example");
    }

    boolean mine(String text) {
      return text.endsWith(one) || text.endsWith(two) || text.endsWith(aliasDomain);
    }
  }

  @Inject ConfigApiConfig config;

  @Test
  void theStreamedExportIsTheFormerDocument() throws IOException {
    assertTrue(
        MAILBOXES > 2 * config.exportPageSize() && ALIASES > 2 * config.exportPageSize(),
        "the fixture fits in one export page");
    Names names = fixture();
    String scoped = token("domain:" + names.one(), "domain:" + names.two());
    Map<String, String> actual = new LinkedHashMap<>();
    Response json = as(scoped).get("/api/v1/config");
    actual.put("scoped.json", names.fixed(body(json)));
    actual.put("content-type.json", json.header("Content-Type") + "\n");
    Response yaml = as(scoped).accept("application/yaml").get("/api/v1/config");
    actual.put("scoped.yaml", names.fixed(body(yaml)));
    actual.put("content-type.yaml", yaml.header("Content-Type") + "\n");
    // Callers that see every domain: the fixture's entries of their export, in its order.
    actual.put("admin.json", names.fixed(mine(body(as(ADMIN_TOKEN).get("/api/v1/config")), names)));
    actual.put(
        "read-and-one.json",
        names.fixed(
            mine(body(as(token("read", "domain:" + names.one())).get("/api/v1/config")), names)));

    if (Boolean.getBoolean("export.golden.record")) {
      Files.createDirectories(RECORD_TO);
      for (Map.Entry<String, String> file : actual.entrySet()) {
        Files.writeString(RECORD_TO.resolve(file.getKey()), file.getValue());
      }
      return;
    }
    for (Map.Entry<String, String> file : actual.entrySet()) {
      assertEquals(golden(file.getKey()), file.getValue(), file.getKey());
    }
  }

  private static String body(Response response) {
    response.then().statusCode(200);
    return new String(response.asByteArray(), StandardCharsets.UTF_8);
  }

  private static String golden(String name) throws IOException {
    try (InputStream in =
        ConfigExportGoldenTest.class.getResourceAsStream("/config/export-golden/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The document with only the fixture's entries in each section, pretty-printed. */
  private static String mine(String document, Names names) throws IOException {
    ObjectNode doc = (ObjectNode) JSON.readTree(document);
    ObjectNode out = JSON.createObjectNode();
    doc.fields()
        .forEachRemaining(
            section -> {
              ArrayNode kept = out.putArray(section.getKey());
              for (JsonNode entry : section.getValue()) {
                String key =
                    entry.has("address")
                        ? entry.get("address").asText()
                        : entry.has("name")
                            ? entry.get("name").asText()
                            : entry.path("domain").asText();
                if (names.mine(key)) {
                  kept.add(entry);
                }
              }
            });
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out);
  }

  /**
   * Two domains (the second with limits, the first with DKIM and an alias domain), mailboxes with
   * every field in use across more than one page, aliases with one to three destinations and a
   * catch-all: created in one document, by the admin.
   */
  private static Names fixture() {
    String one = TestApi.uniqueDomain();
    Names names = new Names(one, "u" + one, "v" + one);
    List<Object> mailboxes = new ArrayList<>();
    for (int i = 0; i < MAILBOXES; i++) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("address", String.format("m%03d@%s", i, one));
      m.put("passwordHash", HASH);
      if (i % 3 == 0) {
        m.put("displayName", i % 2 == 0 ? "Zoë Müller " + i : "Box \"" + i + "\"");
      }
      m.put("quotaMb", (long) (i % 5) * 256);
      m.put("enabled", i % 7 != 0);
      m.put("sendOnly", i % 11 == 0);
      m.put("admin", i == 3);
      m.put("domainAdmin", i % 13 == 0);
      mailboxes.add(m);
    }
    mailboxes.add(Map.of("address", "zed@" + names.two(), "passwordHash", HASH));
    mailboxes.add(Map.of("address", "amy@" + names.two(), "passwordHash", HASH, "quotaMb", 100));
    List<Object> aliases = new ArrayList<>();
    for (int i = 0; i < ALIASES; i++) {
      List<String> destinations = new ArrayList<>();
      destinations.add(String.format("m%03d@%s", i, one));
      if (i % 2 == 0) {
        destinations.add("external" + i + "@elsewhere.example");
      }
      if (i % 5 == 0) {
        destinations.add("amy@" + names.two());
      }
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("address", String.format("a%03d@%s", i, one));
      a.put("destinations", destinations);
      a.put("enabled", i % 9 != 0);
      if (i % 4 == 0) {
        a.put("description", "list " + i);
      }
      aliases.add(a);
    }
    aliases.add(
        Map.of("address", "@" + names.two(), "destinations", List.of("zed@" + names.two())));
    Map<String, Object> document =
        Map.of(
            "domains",
            List.of(
                Map.of("name", one, "description", "first"),
                Map.of(
                    "name",
                    names.two(),
                    "enabled",
                    true,
                    "limits",
                    Map.of("maxMailboxes", 1000, "maxQuotaMb", 4096, "defaultQuotaMb", 1024))),
            "aliasDomains",
            List.of(Map.of("name", names.aliasDomain(), "targetDomain", one)),
            "dkim",
            List.of(Map.of("domain", one, "selector", "golden", "algorithm", "ed25519")),
            "mailboxes",
            mailboxes,
            "aliases",
            aliases);
    admin().body(document).post("/api/v1/config:apply?prune=false").then().statusCode(200);
    return names;
  }
}
