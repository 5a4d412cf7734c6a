package io.mailplane.tls;

import static io.mailplane.TestApi.admin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.NeedsDaemons;
import io.mailplane.metrics.Scrape;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An unreachable CA and a failing challenge: status failed with the problem, files untouched,
 * retried.
 */
@NeedsDaemons
@QuarkusTest
@TestProfile(AcmeTestProfile.class)
class AcmeFailureTest {
  @Test
  void unreachableCaFailsWithAProblemAndIsRetried() throws Exception {
    String name = Acme.uniqueName();
    Map<String, Object> request =
        new HashMap<>(Acme.http01(List.of("d-" + name + ".acme.test"), false));
    request.put(
        "issuer", Map.of("directoryUrl", "https://127.0.0.1:14009/dir", "termsAgreed", true));
    admin().body(request).put("/api/v1/certificates/" + name).then().statusCode(201);

    JsonPath failed = Acme.awaitStatus(name, "failed");
    assertEquals("urn:mailplane:problem:acme-unreachable", failed.getString("lastError.type"));
    assertTrue(failed.getString("lastError.detail").contains("14009"));
    assertEquals("retry", failed.getString("renewalSource"));
    assertNotNull(failed.getString("renewAt"));
    assertTrue(Files.notExists(Path.of(AcmeTestProfile.VOLUME, name)), "nothing written");

    // The renewal job starts the next attempt after the (test) backoff of 3 s.
    JsonPath retried =
        Acme.awaitCertificate(
            name, c -> c.getInt("consecutiveFailures") >= 2, Duration.ofSeconds(30));
    assertEquals("failed", retried.getString("status"));
    JsonPath orders =
        admin().get("/api/v1/certificates/" + name + "/orders").then().extract().jsonPath();
    assertEquals("retry", orders.getString("items[0].reason"));
    // What the "failing to renew" alert reads.
    Scrape.await("mailplane_certificate_consecutive_failures{name=\"" + name + "\"}", v -> v >= 2);
    Scrape.await("mailplane_acme_orders_total{outcome=\"failed\"}", v -> v >= 2);
    Scrape.await("mailplane_acme_orders_by_state{state=\"failed\"}", v -> v >= 2);
  }

  /**
   * A CA that forgot the account (Pebble restarted under a database that outlived it, as on a CI
   * machine; a private CA rebuilt): the next order registers a new account instead of failing for
   * ever with accountDoesNotExist.
   */
  @Test
  void anAccountTheCaForgotIsRegisteredAgain() throws Exception {
    String name = Acme.uniqueName();
    Map<String, Object> request =
        new HashMap<>(Acme.http01(List.of("a-" + name + ".acme.test"), false));
    String contact = "forgotten-" + name + "@acme.test";
    request.put(
        "issuer",
        Map.of(
            "directoryUrl",
            AcmeTestProfile.PEBBLE_HTTP,
            "contactEmail",
            contact,
            "termsAgreed",
            true));
    admin().body(request).put("/api/v1/certificates/" + name).then().statusCode(201);
    JsonPath first = Acme.awaitStatus(name, "valid");

    String forgotten =
        QuarkusTransaction.requiringNew()
            .call(
                () -> {
                  AcmeAccount account = AcmeAccount.find("contactEmail", contact).singleResult();
                  // An account id Pebble never issued: its answer is accountDoesNotExist.
                  account.accountUrl =
                      account.accountUrl.substring(0, account.accountUrl.lastIndexOf('/') + 1)
                          + "0000forgotten";
                  return account.accountUrl;
                });

    admin().post("/api/v1/certificates/" + name + "/renew").then().statusCode(202);
    JsonPath renewed =
        Acme.awaitCertificate(
            name,
            c ->
                "valid".equals(c.getString("status"))
                    && !first.getString("serial").equals(c.getString("serial")),
            Duration.ofSeconds(60));
    assertEquals(0, renewed.getInt("consecutiveFailures"));
    JsonPath orders =
        admin().get("/api/v1/certificates/" + name + "/orders").then().extract().jsonPath();
    List<String> steps = orders.getList("items[0].timeline.step");
    assertTrue(
        steps.containsAll(List.of("account-unknown", "account-registered")), steps.toString());
    String registered =
        QuarkusTransaction.requiringNew()
            .call(
                () ->
                    AcmeAccount.<AcmeAccount>find("contactEmail", contact)
                        .singleResult()
                        .accountUrl);
    assertTrue(!registered.equals(forgotten), "a new account URL is stored");
  }

  @Test
  void failingChallengeKeepsTheInstalledCertificate() throws Exception {
    String name = Acme.uniqueName();
    String host = "f-" + name + ".acme.test";
    admin()
        .body(Acme.http01(List.of(host), false))
        .put("/api/v1/certificates/" + name)
        .then()
        .statusCode(201);
    JsonPath valid = Acme.awaitStatus(name, "valid");
    Path fullchain = Path.of(AcmeTestProfile.VOLUME, name, "fullchain.pem");
    String before = Files.readString(fullchain);

    // dns-01 at the Pebble that resolves through challtestsrv, which never sees BIND's record.
    admin()
        .body(Acme.dns01(List.of(host), AcmeTestProfile.PEBBLE_HTTP))
        .put("/api/v1/certificates/" + name)
        .then()
        .statusCode(200)
        .body("status", org.hamcrest.Matchers.equalTo("renewing"));
    JsonPath failed = Acme.awaitStatus(name, "failed");
    assertTrue(
        failed.getString("lastError.type").startsWith("urn:ietf:params:acme:error:"),
        failed.getString("lastError.type"));
    assertNotNull(failed.getString("lastError.detail"));
    assertEquals(valid.getString("serial"), failed.getString("serial"));
    assertEquals(valid.getString("notAfter"), failed.getString("notAfter"));
    assertEquals(before, Files.readString(fullchain));

    JsonPath order =
        admin().get("/api/v1/certificates/" + name + "/orders").then().extract().jsonPath();
    assertEquals("failed", order.getString("items[0].status"));
    assertEquals("changed", order.getString("items[0].reason"));
    assertNotNull(order.getString("items[0].error.type"));
    long id = order.getLong("items[0].id");
    admin().get("/api/v1/certificates/" + name + "/orders/" + id).then().statusCode(200);
    admin().get("/api/v1/certificates/" + name + "/orders/999999999").then().statusCode(404);
  }
}
