package io.mailplane.config;

import static io.mailplane.TestApi.admin;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.TestApi;
import io.mailplane.mailboxes.PasswordHasher;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Plaintext passwords in a document are hashed before its transaction, bounded per document (issue
 * #12 item 12): hundreds of them no longer outlast the transaction timeout and end in a 500.
 */
@QuarkusTest
class ConfigPasswordsTest {
  @Inject PasswordHasher hasher;
  @Inject ConfigApiConfig config;

  @Test
  void fourHundredNewMailboxesWithPasswordsApply() {
    String domain = TestApi.createDomain();
    Map<String, Object> document = Map.of("mailboxes", mailboxes(domain, 400));

    long started = System.nanoTime();
    JsonPath applied =
        admin()
            // Hundreds of deliberately slow hashes on a small shared machine: minutes, not 30 s.
            .config(
                RestAssuredConfig.config()
                    .httpClient(
                        HttpClientConfig.httpClientConfig()
                            .setParam("http.socket.timeout", 600_000)))
            .queryParam("prune", "false")
            .body(document)
            .post("/api/v1/config:apply")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    System.out.printf(
        "ConfigPasswordsTest: 400 plaintext passwords applied in %d ms%n",
        (System.nanoTime() - started) / 1_000_000);
    assertEquals(400, applied.getInt("summary.create"));
    String stored =
        admin()
            .get("/api/v1/config")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getString("mailboxes.find { it.address == 'u7@" + domain + "' }.passwordHash");
    assertTrue(hasher.matches("password-number-7", stored), stored);
  }

  @Test
  void moreThanTheLimitIsRefusedBeforeAnyWork() {
    String domain = TestApi.createDomain();
    int over = config.maxPlaintextPasswords() + 1;
    admin()
        .queryParam("prune", "false")
        .body(Map.of("mailboxes", mailboxes(domain, over)))
        .post("/api/v1/config:apply")
        .then()
        .statusCode(413)
        .contentType("application/problem+json")
        .body("type", equalTo("urn:mailplane:problem:payload-too-large"))
        .body("detail", containsString("mailplane.config.max-plaintext-passwords"))
        .body("detail", containsString("passwordHash"));
    admin().get("/api/v1/mailboxes/u0@" + domain).then().statusCode(404);
  }

  @Test
  void aRefusedPasswordNamesItsEntryAndChangesNothing() {
    String domain = TestApi.createDomain();
    List<Map<String, Object>> mailboxes = new ArrayList<>(mailboxes(domain, 3));
    mailboxes.add(Map.of("address", "short@" + domain, "password", "short"));
    admin()
        .queryParam("prune", "false")
        .body(Map.of("mailboxes", mailboxes))
        .post("/api/v1/config:apply")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("mailboxes[short@" + domain + "].password"));
    admin().get("/api/v1/mailboxes/u0@" + domain).then().statusCode(404);
  }

  private static List<Map<String, Object>> mailboxes(String domain, int count) {
    List<Map<String, Object>> mailboxes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      mailboxes.add(Map.of("address", "u" + i + "@" + domain, "password", "password-number-" + i));
    }
    return mailboxes;
  }
}
