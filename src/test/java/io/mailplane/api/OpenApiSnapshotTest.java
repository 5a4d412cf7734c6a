package io.mailplane.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

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

  @Test
  void everyOperationHasAnIdAndATag() {
    String spec = given().accept("application/json").get("/q/openapi").then().extract().asString();
    assertTrue(spec.contains("\"operationId\""));
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
