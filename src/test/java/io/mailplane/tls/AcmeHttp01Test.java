package io.mailplane.tls;

import static io.mailplane.TestApi.admin;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.NeedsDaemons;
import io.mailplane.metrics.Scrape;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * HTTP-01 end to end: real Pebble validating through pebble-challtestsrv's DNS against mailplane's
 * challenge listener, the certificate installed in the TLS volume, and real Postfix and Dovecot
 * serving it after the push reload.
 */
@NeedsDaemons
@QuarkusTest
@TestProfile(AcmeTestProfile.class)
class AcmeHttp01Test {
  private static final Path VOLUME = Path.of(AcmeTestProfile.VOLUME);

  @Test
  void issuesInstallsServesAndRenewsWithoutATornPair() throws Exception {
    String name = Acme.uniqueName();
    String host = "mx-" + name + ".acme.test";
    admin()
        .body(Acme.http01(List.of(host, "imap-" + name + ".acme.test"), true))
        .put("/api/v1/certificates/" + name)
        .then()
        .statusCode(201)
        .header("ETag", containsString("\""))
        .body("status", org.hamcrest.Matchers.equalTo("pending"))
        .body("currentOrderId", org.hamcrest.Matchers.notNullValue())
        .body("issuer.eabHmacKey", org.hamcrest.Matchers.nullValue());

    JsonPath valid = Acme.awaitStatus(name, "valid");
    String serial = valid.getString("serial");
    assertNotNull(serial);
    assertNotNull(valid.getString("notAfter"));
    assertNotNull(valid.getString("renewAt"));
    assertEquals(64, valid.getString("fingerprintSha256").length());
    assertEquals(0, valid.getInt("consecutiveFailures"));

    // The files: named and primary, key 0600, chain verifying against Pebble's root.
    TlsPair named =
        new TlsVolume(VOLUME, false, java.util.Optional.empty()).read(name).orElseThrow();
    assertTrue(named.matches());
    assertEquals(new BigInteger(serial, 16), named.leaf().getSerialNumber());
    assertTrue(named.chain().size() >= 2, "leaf and intermediate");
    Acme.verifyChain(named.chain(), Acme.pebbleRoot(AcmeTestProfile.PEBBLE_HTTP_ROOT));
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(
            Files.getPosixFilePermissions(VOLUME.resolve(name).resolve("privkey.pem"))));
    for (String file : List.of("fullchain.pem", "cert.pem", "chain.pem", "privkey.pem")) {
      assertTrue(Files.isRegularFile(VOLUME.resolve(name).resolve(file)), file);
    }
    TlsPair primary =
        TlsVolume.parse(
            Files.readString(VOLUME.resolve("tls.crt")),
            Files.readString(VOLUME.resolve("tls.key")));
    assertEquals(new BigInteger(serial, 16), primary.leaf().getSerialNumber());

    // The order's timeline, and its token no longer served.
    JsonPath order =
        admin()
            .get("/api/v1/certificates/" + name + "/orders")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertEquals("valid", order.getString("items[0].status"));
    assertEquals("initial", order.getString("items[0].reason"));
    List<String> steps = order.getList("items[0].timeline.step");
    assertTrue(
        steps.containsAll(
            List.of(
                "created",
                "ordered",
                "challenge-published",
                "challenges-triggered",
                "validated",
                "installed")),
        steps.toString());

    // Postfix and Dovecot serve the new certificate after the outbox-driven reloads.
    Acme.awaitServedSerial("127.0.0.1", AcmeTestProfile.VOLUME_SMTP_PORT, "smtp", serial);
    Acme.awaitServedSerial("127.0.0.2", AcmeTestProfile.IMAP_PORT, "imap", serial);

    given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(containsString("mailplane_certificate_not_after_seconds{name=\"" + name + "\"}"))
        .body(containsString("mailplane_acme_orders_total{outcome=\"valid\"}"));
    // Seconds until the issued certificate's notAfter, as the file on the volume says.
    double expiresIn =
        Scrape.await("mailplane_certificate_expires_in_seconds{name=\"" + name + "\"}", v -> v > 0);
    double expected =
        named.leaf().getNotAfter().toInstant().getEpochSecond()
            - java.time.Instant.now().getEpochSecond();
    assertTrue(Math.abs(expiresIn - expected) < 300, expiresIn + " vs " + expected);
    Scrape.await("mailplane_acme_orders_by_state{state=\"valid\"}", v -> v >= 1);

    // Forced renewal while a reader reads tls.crt then tls.key in a loop, as the daemons do.
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger reads = new AtomicInteger();
    AtomicReference<String> broken = new AtomicReference<>();
    Thread reader =
        new Thread(
            () -> {
              while (!stop.get()) {
                try {
                  String crt =
                      Files.readString(VOLUME.resolve("tls.crt"), StandardCharsets.US_ASCII);
                  String key =
                      Files.readString(VOLUME.resolve("tls.key"), StandardCharsets.US_ASCII);
                  TlsPair pair = TlsVolume.parse(crt, key);
                  if (!pair.matches()) {
                    broken.compareAndSet(null, "mismatched pair at read " + reads.get());
                  }
                  reads.incrementAndGet();
                } catch (Exception e) {
                  broken.compareAndSet(null, "read " + reads.get() + ": " + e);
                }
              }
            });
    reader.start();
    try {
      String renewal =
          admin()
              .post("/api/v1/certificates/" + name + "/renew")
              .then()
              .statusCode(202)
              .header("Location", containsString("/orders/"))
              .extract()
              .jsonPath()
              .getString("reason");
      assertEquals("forced", renewal);
      JsonPath renewed =
          Acme.awaitCertificate(
              name,
              c -> "valid".equals(c.getString("status")) && !serial.equals(c.getString("serial")),
              Duration.ofSeconds(60));
      Acme.awaitServedSerial(
          "127.0.0.1", AcmeTestProfile.VOLUME_SMTP_PORT, "smtp", renewed.getString("serial"));
    } finally {
      stop.set(true);
      reader.join();
    }
    assertEquals(null, broken.get());
    assertTrue(reads.get() > 10, "reader kept reading: " + reads.get());

    // No token leaks out of a finished order; junk is 404 without touching the database.
    given().get("/.well-known/acme-challenge/AAAAAAAAAAAAAAAAAAAAAAAA").then().statusCode(404);
    given().get("/.well-known/acme-challenge/..%2F..%2Fetc%2Fpasswd").then().statusCode(404);
  }

  @Test
  void renewalWithRotateKeyMakesANewKey() throws Exception {
    String name = Acme.uniqueName();
    admin()
        .body(Acme.http01(List.of("k-" + name + ".acme.test"), false))
        .put("/api/v1/certificates/" + name)
        .then()
        .statusCode(201);
    String serial = Acme.awaitStatus(name, "valid").getString("serial");
    TlsVolume volume = new TlsVolume(VOLUME, false, java.util.Optional.empty());
    byte[] before = volume.read(name).orElseThrow().leaf().getPublicKey().getEncoded();
    admin().post("/api/v1/certificates/" + name + "/renew?rotateKey=true").then().statusCode(202);
    Acme.awaitCertificate(
        name,
        c -> "valid".equals(c.getString("status")) && !serial.equals(c.getString("serial")),
        Duration.ofSeconds(60));
    byte[] after = volume.read(name).orElseThrow().leaf().getPublicKey().getEncoded();
    assertFalse(java.util.Arrays.equals(before, after));
    // Not primary: tls.crt is not this certificate.
    assertNotEquals(
        volume.read(name).orElseThrow().leaf().getSerialNumber(),
        TlsVolume.parse(
                Files.readString(VOLUME.resolve("tls.crt")),
                Files.readString(VOLUME.resolve("tls.key")))
            .leaf()
            .getSerialNumber());
  }
}
