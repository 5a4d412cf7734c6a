package io.mailplane.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The committed contract (openapi/openapi.yaml) must be exactly what the code generates. */
@QuarkusTest
class OpenApiSnapshotTest {
  private static final Path SNAPSHOT = Path.of("openapi/openapi.yaml");
  private static final String REFRESH =
      "./mvnw test -Dtest=OpenApiSnapshotTest -Dopenapi.update=true";

  @Test
  void committedSnapshotMatchesGeneratedContract() throws IOException {
    String generated =
        given()
            .accept("application/yaml")
            .get("/q/openapi")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    if (Boolean.getBoolean("openapi.update")) {
      Files.createDirectories(SNAPSHOT.getParent());
      Files.writeString(SNAPSHOT, generated);
      return;
    }
    if (!Files.exists(SNAPSHOT)) {
      fail("openapi/openapi.yaml is missing; create it with: " + REFRESH);
    }
    String committed = Files.readString(SNAPSHOT);
    if (!committed.equals(generated)) {
      fail(
          "openapi/openapi.yaml differs from the contract the code generates. If the change is"
              + " intended, refresh it with: "
              + REFRESH
              + "\nFirst difference at line "
              + firstDifferentLine(committed, generated));
    }
  }

  /** Every variant of /q/openapi serves the one document api/OpenApiDocuments builds once. */
  @Test
  void everyVariantServesTheSameDocument() {
    String json =
        given()
            .accept("application/json")
            .get("/q/openapi")
            .then()
            .statusCode(200)
            .contentType("application/json")
            .extract()
            .asString();
    for (String variant : List.of("/q/openapi.json", "/q/openapi?format=json")) {
      assertEquals(json, given().get(variant).then().statusCode(200).extract().asString(), variant);
    }
    String yaml = given().get("/q/openapi").then().statusCode(200).extract().asString();
    for (String variant : List.of("/q/openapi.yml", "/q/openapi.yaml")) {
      assertEquals(yaml, given().get(variant).then().statusCode(200).extract().asString(), variant);
    }
  }

  @Test
  void everyOperationHasAnIdAndATag() {
    String spec = given().accept("application/json").get("/q/openapi").then().extract().asString();
    assertTrue(spec.contains("\"operationId\""));
  }

  /**
   * YAML 1.1 loaders (PyYAML, SnakeYAML, many tools built on them) read an unquoted {@code
   * 2022-03-10T16:15:50Z} as a date: every scalar of the served YAML and of the snapshot must load
   * as the type the JSON form has, and every example of a date or date-time schema as a string.
   */
  @Test
  void yaml11LoadersReadDatesAsStrings() throws IOException {
    String served =
        given().accept("application/yaml").get("/q/openapi").then().extract().asString();
    for (String document : List.of(served, Files.readString(SNAPSHOT))) {
      Object loaded = new Yaml().load(document); // SnakeYAML: YAML 1.1 implicit types
      List<String> dates = new ArrayList<>();
      int examples = walk(loaded, "", dates);
      assertEquals(List.of(), dates, "scalars a YAML 1.1 loader reads as dates");
      assertTrue(examples > 10, "examples of date-time schemas found: " + examples);
    }
    Object yamlPath =
        new Yaml().load(given().get("/q/openapi.yaml").then().statusCode(200).extract().asString());
    assertTrue(yamlPath instanceof Map<?, ?>);
  }

  /** Collects the paths of Date scalars; counts date/date-time schemas with a string example. */
  private static int walk(Object node, String path, List<String> dates) {
    int examples = 0;
    if (node instanceof Map<?, ?> map) {
      Object format = map.get("format");
      if (("date-time".equals(format) || "date".equals(format)) && map.containsKey("example")) {
        if (map.get("example") instanceof String) {
          examples++;
        } else {
          dates.add(path + "/example");
        }
      }
      for (Map.Entry<?, ?> e : map.entrySet()) {
        examples += walk(e.getValue(), path + "/" + e.getKey(), dates);
      }
    } else if (node instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        examples += walk(list.get(i), path + "/" + i, dates);
      }
    } else if (node instanceof Date) {
      dates.add(path);
    }
    return examples;
  }

  private static String firstDifferentLine(String a, String b) {
    String[] left = a.split("\n", -1);
    String[] right = b.split("\n", -1);
    for (int i = 0; i < Math.max(left.length, right.length); i++) {
      String l = i < left.length ? left[i] : "<end>";
      String r = i < right.length ? right[i] : "<end>";
      if (!l.equals(r)) {
        return (i + 1) + ":\n  committed: " + l + "\n  generated: " + r;
      }
    }
    return "?";
  }
}
