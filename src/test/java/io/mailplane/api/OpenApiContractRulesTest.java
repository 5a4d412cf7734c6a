package io.mailplane.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the committed contract (equal to the generated one: OpenApiSnapshotTest) must say so that
 * strict validators accept what the server sends and generated clients get precise types.
 */
class OpenApiContractRulesTest {
  private static JsonNode spec;
  private static JsonNode schemas;

  @BeforeAll
  static void load() throws IOException {
    spec = new ObjectMapper(new YAMLFactory()).readTree(Path.of("openapi/openapi.yaml").toFile());
    schemas = spec.path("components").path("schemas");
  }

  /**
   * Under OAS 3.0.3, nullable only widens the type beside it: an allOf/anyOf/oneOf or an enum next
   * to it still rejects null unless the referenced schema or the enum allows null itself.
   */
  @Test
  void everyNullablePropertyAcceptsNull() {
    List<String> rejecting = new ArrayList<>();
    schemas
        .fields()
        .forEachRemaining(
            component ->
                component
                    .getValue()
                    .path("properties")
                    .fields()
                    .forEachRemaining(
                        property -> {
                          String where = component.getKey() + "." + property.getKey();
                          JsonNode schema = property.getValue();
                          if (!schema.path("nullable").asBoolean(false)) {
                            return;
                          }
                          if (schema.has("enum") && !containsNull(schema.get("enum"))) {
                            rejecting.add(where + " (enum without null)");
                          }
                          for (String keyword : List.of("allOf", "anyOf", "oneOf")) {
                            for (JsonNode part : schema.path(keyword)) {
                              if (!acceptsNull(part)) {
                                rejecting.add(where + " (" + keyword + " rejects null)");
                              }
                            }
                          }
                        }));
    assertEquals(List.of(), rejecting);
  }

  @Test
  void responseObjectsDeclareWhatIsAlwaysSent() {
    Map<String, List<String>> expected = new HashMap<>();
    expected.put("Certificate", List.of("status", "notAfter", "renewalSource", "version"));
    expected.put("FetchmailRun", List.of("id", "status", "outcome", "queuedAt", "finishedAt"));
    expected.put("FetchmailAccount", List.of("id", "lastRun", "nextRunAt", "version"));
    expected.put("Mailbox", List.of("domain", "version", "createdAt", "updatedAt"));
    expected.put("PushTarget", List.of("name", "type", "lastAttemptAt"));
    expected.put("DomainPage", List.of("items", "next"));
    expected.put("Problem", List.of("type", "title", "status"));
    expected.put("Token", List.of("id", "name", "scopes", "createdAt"));
    expected.forEach(
        (name, fields) -> {
          Set<String> required = new TreeSet<>();
          schemas.path(name).path("required").forEach(node -> required.add(node.asText()));
          assertTrue(required.containsAll(fields), name + " requires " + required);
        });
    // Sent only in some responses: not required.
    Set<String> token = new TreeSet<>();
    schemas.path("Token").path("required").forEach(node -> token.add(node.asText()));
    assertFalse(token.contains("token") || token.contains("lastUsedAt"), token.toString());
    Set<String> problem = new TreeSet<>();
    schemas.path("Problem").path("required").forEach(node -> problem.add(node.asText()));
    assertFalse(problem.contains("errors"), problem.toString());
  }

  @Test
  void everyListBoundsItsPageSize() {
    forEachParameter(
        (path, parameter) -> {
          if (parameter.path("name").asText().equals("limit")) {
            JsonNode schema = parameter.path("schema");
            assertEquals(1, schema.path("minimum").asInt(), path);
            assertEquals(PageRequest.MAX_LIMIT, schema.path("maximum").asInt(), path);
            assertEquals(PageRequest.DEFAULT_LIMIT, schema.path("default").asInt(), path);
          }
        });
  }

  @Test
  void eachPathParameterNameHasOneType() {
    Map<String, Set<String>> types = new HashMap<>();
    forEachParameter(
        (path, parameter) -> {
          if (parameter.path("in").asText().equals("path")) {
            JsonNode schema = parameter.path("schema");
            types
                .computeIfAbsent(parameter.path("name").asText(), k -> new TreeSet<>())
                .add(schema.path("type").asText() + "/" + schema.path("format").asText());
          }
        });
    types.forEach((name, found) -> assertEquals(1, found.size(), name + ": " + found));
    assertEquals(Set.of("integer/int64"), types.get("id"));
  }

  @Test
  void clientsKnowTheServerAndReadTheEventStreamAsText() {
    assertTrue(spec.path("servers").size() > 0, "servers");
    JsonNode media =
        spec.path("paths")
            .path("/api/v1/events")
            .path("get")
            .path("responses")
            .path("200")
            .path("content")
            .path("text/event-stream");
    assertEquals("string", media.path("schema").path("type").asText());
    assertTrue(media.path("example").isTextual());
  }

  private static void forEachParameter(java.util.function.BiConsumer<String, JsonNode> action) {
    spec.path("paths")
        .fields()
        .forEachRemaining(
            path ->
                path.getValue()
                    .fields()
                    .forEachRemaining(
                        operation ->
                            operation
                                .getValue()
                                .path("parameters")
                                .forEach(
                                    parameter ->
                                        action.accept(
                                            operation.getKey() + " " + path.getKey(), parameter))));
  }

  private static boolean acceptsNull(JsonNode schema) {
    if (schema.has("$ref")) {
      String ref = schema.get("$ref").asText();
      return acceptsNull(schemas.path(ref.substring(ref.lastIndexOf('/') + 1)));
    }
    if (schema.has("enum")) {
      return containsNull(schema.get("enum"));
    }
    return schema.path("nullable").asBoolean(false) || !schema.has("type");
  }

  private static boolean containsNull(JsonNode values) {
    for (JsonNode value : values) {
      if (value.isNull()) {
        return true;
      }
    }
    return false;
  }
}
