package io.mailplane;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Shared helpers for API tests: tokens, unique names, quick fixtures. */
public final class TestApi {
  public static final String ADMIN_TOKEN = "test-admin-token-0123456789abcdef0123";

  private TestApi() {}

  public static RequestSpecification as(String token) {
    return given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON);
  }

  public static RequestSpecification admin() {
    return as(ADMIN_TOKEN);
  }

  /** A domain name no other test (or earlier run) uses. */
  public static String uniqueDomain() {
    return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 16) + ".example";
  }

  public static String createDomain() {
    return createDomain(Map.of());
  }

  public static String createDomain(Map<String, Object> extra) {
    String name = uniqueDomain();
    Map<String, Object> body = new java.util.HashMap<>(extra);
    body.put("name", name);
    admin().body(body).post("/api/v1/domains").then().statusCode(201);
    return name;
  }

  public static void createMailbox(String address, String password) {
    admin()
        .body(Map.of("address", address, "password", password))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(201);
  }

  /** A mailbox with a ready hash (e.g. a cheap bcrypt from doveadm pw) and more fields. */
  public static void createMailboxWithHash(
      String address, String passwordHash, Map<String, Object> extra) {
    Map<String, Object> body = new java.util.HashMap<>(extra);
    body.put("address", address);
    body.put("passwordHash", passwordHash);
    admin().body(body).post("/api/v1/mailboxes").then().statusCode(201);
  }

  public static void changePassword(String address, String password) {
    admin()
        .contentType("application/merge-patch+json")
        .body(Map.of("password", password))
        .patch("/api/v1/mailboxes/" + address)
        .then()
        .statusCode(200);
  }

  public static void disableMailbox(String address) {
    admin()
        .body(Map.of("enabled", false))
        .patch("/api/v1/mailboxes/" + address)
        .then()
        .statusCode(200);
  }

  public static void createAlias(String address, List<String> destinations) {
    admin()
        .body(Map.of("address", address, "destinations", destinations))
        .post("/api/v1/aliases")
        .then()
        .statusCode(201);
  }

  /** Makes {@code name} an alias domain of {@code target}; returns the name. */
  public static String createAliasDomain(String name, String target) {
    admin()
        .body(Map.of("name", name, "targetDomain", target))
        .post("/api/v1/alias-domains")
        .then()
        .statusCode(201);
    return name;
  }

  /** Disables the object at an API path (a domain, mailbox, alias or alias domain). */
  public static void disable(String path) {
    admin().body(Map.of("enabled", false)).patch(path).then().statusCode(200);
  }

  /** Creates a token with the given scopes and returns its secret. */
  public static String token(String... scopes) {
    return admin()
        .body(Map.of("name", "test", "scopes", List.of(scopes)))
        .post("/api/v1/tokens")
        .then()
        .statusCode(201)
        .extract()
        .path("token");
  }
}
