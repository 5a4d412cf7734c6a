package io.mailplane.tls;

import static io.mailplane.TestApi.admin;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mailplane.api.Timestamps;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A certificate's version (its ETag) moves with client writes only, never with issuance. */
@QuarkusTest
class CertificateVersionTest {

  @Test
  void issuedStateChangesKeepTheVersion() {
    String name = Acme.uniqueName();
    Map<String, Object> body = new HashMap<>(Acme.http01(List.of("v.acme.test"), false));
    long created =
        admin()
            .body(body)
            .put("/api/v1/certificates/" + name)
            .then()
            .statusCode(201)
            .extract()
            .jsonPath()
            .getLong("version");
    // What the order worker and the renewal job write.
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              ManagedCertificate certificate = ManagedCertificate.findByName(name);
              certificate.status = "failed";
              certificate.failures++;
              certificate.lastError = "{\"type\":\"urn:ietf:params:acme:error:connection\"}";
              certificate.renewAt = Timestamps.now().plus(Duration.ofHours(1));
              certificate.renewalSource = "retry";
              certificate.currentOrderId = null;
              certificate.updatedAt = Timestamps.now();
            });
    assertEquals(created, version(name));

    body.put("domains", List.of("v.acme.test", "w.acme.test"));
    admin().body(body).put("/api/v1/certificates/" + name).then().statusCode(200);
    assertEquals(created + 1, version(name));
  }

  private static long version(String name) {
    return admin()
        .get("/api/v1/certificates/" + name)
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        .getLong("version");
  }
}
