package io.mailplane.tls;

import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.as;
import static io.mailplane.TestApi.token;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.NeedsDaemons;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Hostile names, domains and issuers: 4xx problem+json, and nothing stored or written. */
@NeedsDaemons
@QuarkusTest
@TestProfile(AcmeTestProfile.class)
class CertificateValidationTest {
  private static long volumeEntries() throws Exception {
    try (Stream<Path> entries = Files.list(Path.of(AcmeTestProfile.VOLUME))) {
      return entries.count();
    }
  }

  private static long certificates() {
    return admin()
        .get("/api/v1/certificates?limit=1000")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        .getList("items")
        .size();
  }

  @Test
  void hostileNamesAreRejectedAndNothingIsWritten() throws Exception {
    long entries = volumeEntries();
    long stored = certificates();
    Map<String, Object> body = Acme.http01(List.of("ok.acme.test"), false);
    for (String name :
        List.of(
            "..%2Fx",
            "%2Fetc%2Fpasswd",
            "_primary",
            "a.b",
            "UPPER",
            "tls.crt",
            ".versions",
            "x".repeat(64),
            "a%00b",
            "%20")) {
      int status =
          admin().body(body).put("/api/v1/certificates/" + name).then().extract().statusCode();
      assertTrue(status == 400 || status == 404, name + " → " + status);
    }
    admin()
        .body(body)
        .put("/api/v1/certificates/../x")
        .then()
        .statusCode(org.hamcrest.Matchers.oneOf(400, 404));
    assertEquals(entries, volumeEntries());
    assertEquals(stored, certificates());
  }

  @Test
  void hostileDomainsAndIssuersAreRejected() throws Exception {
    long stored = certificates();
    List<Map<String, Object>> bad = new ArrayList<>();
    bad.add(with("domains", List.of()));
    bad.add(with("domains", List.of("*.acme.test")));
    bad.add(with("domains", List.of("x".repeat(300) + ".acme.test")));
    bad.add(with("domains", List.of("a..acme.test")));
    bad.add(with("domains", List.of("../etc/passwd")));
    bad.add(with("domains", List.of("host name.acme.test")));
    bad.add(with("domains", List.of("127.0.0.1")));
    bad.add(with("domains", List.of("-x.acme.test")));
    bad.add(with("domains", java.util.Collections.nCopies(101, "a.acme.test")));
    bad.add(with("challenge", "tls-alpn-01"));
    bad.add(with("keyType", "rsa512"));
    bad.add(with("issuer", Map.of("directoryUrl", "file:///etc/passwd")));
    bad.add(with("issuer", Map.of("directoryUrl", "ftp://ca.example/dir")));
    bad.add(with("issuer", Map.of("directoryUrl", "https://user:pw@ca.example/dir")));
    bad.add(with("issuer", Map.of("directoryUrl", "not a url")));
    bad.add(with("issuer", Map.of("directoryUrl", AcmeTestProfile.PEBBLE_HTTP, "eabKid", "kid")));
    bad.add(
        with(
            "issuer",
            Map.of(
                "directoryUrl",
                AcmeTestProfile.PEBBLE_HTTP,
                "eabHmacKey",
                "abcdefghijklmnopqrstuvwxyz")));
    bad.add(
        with(
            "issuer",
            Map.of("directoryUrl", AcmeTestProfile.PEBBLE_HTTP, "contactEmail", "not-an-email")));
    bad.add(with("issuer", null));
    bad.add(with("primary", "yes"));
    bad.add(with("unknownField", 1));
    for (Map<String, Object> body : bad) {
      admin()
          .body(body)
          .put("/api/v1/certificates/" + Acme.uniqueName())
          .then()
          .statusCode(400)
          .contentType("application/problem+json");
    }
    assertEquals(stored, certificates());
  }

  @Test
  void idnNamesAreNormalizedAndDuplicatesDropped() throws Exception {
    String name = Acme.uniqueName();
    Map<String, Object> body =
        with(
            "domains",
            List.of(
                "B\u00fccher-" + name + ".acme.test",
                java.net.IDN.toASCII("b\u00fccher-" + name) + ".ACME.test."));
    body.put("issuer", Map.of("directoryUrl", "https://127.0.0.1:14009/dir"));
    admin()
        .body(body)
        .put("/api/v1/certificates/" + name)
        .then()
        .statusCode(201)
        .body(
            "domains",
            equalTo(List.of(java.net.IDN.toASCII("b\u00fccher-" + name) + ".acme.test")));
    // A PUT with the same body is a no-op: no update recorded (the job's own state changes are
    // not audited, so this does not race the failing order).
    admin().body(body).put("/api/v1/certificates/" + name).then().statusCode(200);
    admin()
        .queryParam("resourceKey", name)
        .queryParam("action", "certificate.update")
        .get("/api/v1/audit-events")
        .then()
        .statusCode(200)
        .body("items.size()", equalTo(0));
    String etag = admin().get("/api/v1/certificates/" + name).then().extract().header("ETag");
    admin().delete("/api/v1/certificates/" + name).then().statusCode(204);
    admin().get("/api/v1/certificates/" + name).then().statusCode(404);
    assertTrue(etag.startsWith("\""));
  }

  @Test
  void onlyAdminsWriteAndReadersRead() {
    String domainToken = token("domain:" + io.mailplane.TestApi.createDomain());
    as(domainToken)
        .body(Acme.http01(List.of("x.acme.test"), false))
        .put("/api/v1/certificates/" + Acme.uniqueName())
        .then()
        .statusCode(403);
    as(domainToken).get("/api/v1/certificates").then().statusCode(403);
    String reader = token("read");
    as(reader).get("/api/v1/certificates").then().statusCode(200);
    as(reader)
        .post("/api/v1/certificates/nope/renew")
        .then()
        .statusCode(org.hamcrest.Matchers.oneOf(403, 404));
    as("wrong-token-wrong-token-wrong-token").get("/api/v1/certificates").then().statusCode(401);
    admin()
        .get("/api/v1/certificates/does-not-exist")
        .then()
        .statusCode(404)
        .body("type", containsString("not-found"));
  }

  private static Map<String, Object> with(String field, Object value) {
    Map<String, Object> body = new HashMap<>(Acme.http01(List.of("ok.acme.test"), false));
    body.put(field, value);
    return body;
  }
}
