package io.mailplane.config;

import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.as;
import static io.mailplane.TestApi.token;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.mailplane.TestApi;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Certificates in the configuration document: apply creates, export round-trips, no secrets. */
@QuarkusTest
class CertificateConfigTest {
  @Test
  void certificatesRoundTripThroughTheDocument() {
    String name = "c" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> certificate =
        Map.of(
            "name", name,
            "domains", List.of("mail." + name + ".example"),
            "issuer",
                Map.of(
                    // Nothing listens here: the order fails in the background, which is fine.
                    "directoryUrl", "https://127.0.0.1:14009/dir",
                    "eabKid", "kid-1",
                    "eabHmacKey", "c2VjcmV0LWhtYWMta2V5LWZvci10ZXN0"));
    Map<String, Object> document = Map.of("certificates", List.of(certificate));

    JsonPath plan =
        admin()
            .queryParam("prune", "false")
            .body(document)
            .post("/api/v1/config:plan")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertEquals("create", plan.getString("changes.find { it.key == '" + name + "' }.action"));
    admin().get("/api/v1/certificates/" + name).then().statusCode(404);

    admin()
        .queryParam("prune", "false")
        .body(document)
        .post("/api/v1/config:apply")
        .then()
        .statusCode(200);
    admin()
        .get("/api/v1/certificates/" + name)
        .then()
        .statusCode(200)
        .body("issuer.eabKid", equalTo("kid-1"))
        .body("challenge", equalTo("http-01"));

    String export = admin().get("/api/v1/config").then().statusCode(200).extract().asString();
    assertFalse(
        export.contains("c2VjcmV0LWhtYWMta2V5LWZvci10ZXN0"), "the EAB secret is never exported");
    Map<String, Object> exported =
        JsonPath.from(export).getMap("certificates.find { it.name == '" + name + "' }");
    admin()
        .queryParam("prune", "false")
        .body(Map.of("certificates", List.of(exported)))
        .post("/api/v1/config:plan")
        .then()
        .statusCode(200)
        .body("changes.key", not(hasItem(name)));

    // Domain tokens see no certificates and cannot manage them.
    String domainToken = token("domain:" + TestApi.createDomain());
    as(domainToken)
        .get("/api/v1/config")
        .then()
        .statusCode(200)
        .body("certificates.size()", equalTo(0));
    as(domainToken)
        .queryParam("prune", "false")
        .body(document)
        .post("/api/v1/config:apply")
        .then()
        .statusCode(403);
    admin().delete("/api/v1/certificates/" + name).then().statusCode(204);
  }
}
