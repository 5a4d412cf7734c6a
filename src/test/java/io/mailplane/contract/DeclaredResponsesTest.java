package io.mailplane.contract;

import static io.mailplane.TestApi.admin;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.TestApi;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.OpenAPIV3Parser;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The statuses and headers the server sends are the ones the contract declares. Each call here also
 * passes the response gate ({@link ResponseContract}), which fails on an undeclared status or
 * header; the assertions say what the server must keep sending.
 */
@QuarkusTest
class DeclaredResponsesTest {
  private static final String STALE = "\"999999999\"";

  @Test
  void configPlanAndApplyAnswer412ToAStaleRevision() {
    for (String action : List.of("config:plan", "config:apply")) {
      admin()
          .header("If-Match", STALE)
          .body("{}")
          .post("/api/v1/" + action)
          .then()
          .statusCode(412)
          .body("type", equalTo("urn:mailplane:problem:precondition-failed"));
    }
  }

  @Test
  void dkimRotateAnswers412ToAStaleETag() {
    String domain = TestApi.createDomain();
    admin().body(Map.of()).put("/api/v1/domains/" + domain + "/dkim").then().statusCode(201);
    admin()
        .header("If-Match", STALE)
        .body(Map.of())
        .post("/api/v1/domains/" + domain + "/dkim/rotate")
        .then()
        .statusCode(412);
  }

  @Test
  void listsLinkTheNextPage() {
    TestApi.createDomain();
    TestApi.createDomain();
    admin()
        .get("/api/v1/domains?limit=1")
        .then()
        .statusCode(200)
        .header("Link", containsString("rel=\"next\""));
  }

  @Test
  void acceptedJobsSayWhereToLook() {
    admin()
        .post("/api/v1/push/reconcile")
        .then()
        .statusCode(202)
        .header("Location", containsString("/api/v1/push/targets"));
  }

  @Test
  void theConfigExportCarriesItsRevision() {
    admin().get("/api/v1/config").then().statusCode(200).header("ETag", notNullValue());
  }

  @Test
  void unauthenticatedCallsAreChallenged() {
    RestAssured.given()
        .get("/api/v1/domains")
        .then()
        .statusCode(401)
        .header("WWW-Authenticate", "Bearer realm=\"mailplane\"");
  }

  @Test
  void aReplayIsMarked() {
    String key = UUID.randomUUID().toString();
    Map<String, Object> body = Map.of("name", TestApi.uniqueDomain());
    admin()
        .header("Idempotency-Key", key)
        .body(body)
        .post("/api/v1/domains")
        .then()
        .statusCode(201)
        .header("Idempotency-Replayed", nullValue());
    admin()
        .header("Idempotency-Key", key)
        .body(body)
        .post("/api/v1/domains")
        .then()
        .statusCode(201)
        .header("Idempotency-Replayed", "true")
        .header("Location", notNullValue())
        .header("ETag", notNullValue());
  }

  @Test
  void noETagWhereNoneIsSentNorDeclared() {
    String id =
        admin()
            .body(Map.of("name", "etag-check", "scopes", List.of("read")))
            .post("/api/v1/tokens")
            .then()
            .statusCode(201)
            .header("ETag", nullValue())
            .extract()
            .path("id")
            .toString();
    admin().get("/api/v1/tokens/" + id).then().statusCode(200).header("ETag", nullValue());
    String domain = TestApi.createDomain();
    admin()
        .get("/api/v1/domains/" + domain + "/dns")
        .then()
        .statusCode(200)
        .header("ETag", nullValue());
    OpenAPI contract = contract();
    for (String operationId :
        List.of(
            "createToken",
            "getToken",
            "getDomainDns",
            "listCertificateOrders",
            "getCertificateOrder",
            "listFetchmailRuns",
            "getFetchmailRun")) {
      operation(contract, operationId)
          .getResponses()
          .forEach(
              (code, response) ->
                  assertFalse(
                      headers(response).contains("ETag"),
                      operationId + " " + code + " declares an ETag it never sends"));
    }
  }

  @Test
  void only422WhereAnIdempotencyKeyIsTaken() {
    contract()
        .getPaths()
        .forEach(
            (path, item) ->
                item.readOperationsMap()
                    .forEach(
                        (method, operation) -> {
                          boolean keyed =
                              operation.getParameters() != null
                                  && operation.getParameters().stream()
                                      .map(Parameter::getName)
                                      .anyMatch("Idempotency-Key"::equals);
                          assertEquals(
                              keyed,
                              operation.getResponses().containsKey("422"),
                              method + " " + path + ": 422 declared iff Idempotency-Key taken");
                        }));
  }

  @Test
  void notAcceptableNamesWhatTheOperationProduces() {
    admin()
        .accept("application/json")
        .get("/api/v1/events")
        .then()
        .statusCode(406)
        .contentType("application/problem+json")
        .body("detail", containsString("text/event-stream"));
    admin()
        .accept("text/html")
        .get("/api/v1/config")
        .then()
        .statusCode(406)
        .body("detail", containsString("application/json or application/yaml"));
    RestAssured.given()
        .accept("application/json")
        .get("/.well-known/acme-challenge/some-token")
        .then()
        .statusCode(406)
        .body("detail", containsString("text/plain"));
    admin()
        .accept("text/html")
        .get("/api/v1/domains")
        .then()
        .statusCode(406)
        .body("detail", equalTo("this resource is only available as application/json"));
    assertTrue(operation(contract(), "streamEvents").getResponses().containsKey("406"));
    assertTrue(operation(contract(), "getAcmeChallenge").getResponses().containsKey("406"));
  }

  private static OpenAPI contract() {
    return new OpenAPIV3Parser().read(ContractTools.SPEC.toString());
  }

  private static Operation operation(OpenAPI contract, String operationId) {
    return contract.getPaths().values().stream()
        .flatMap(item -> item.readOperations().stream())
        .filter(o -> operationId.equals(o.getOperationId()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no operation " + operationId));
  }

  private static java.util.Set<String> headers(ApiResponse response) {
    return response.getHeaders() == null ? java.util.Set.of() : response.getHeaders().keySet();
  }
}
