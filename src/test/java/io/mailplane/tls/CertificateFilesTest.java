package io.mailplane.tls;

import static io.mailplane.TestApi.admin;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The TLS volume changes only after the certificate rows commit: a plan or a rolled-back apply
 * leaves every file in place.
 */
@QuarkusTest
class CertificateFilesTest {
  @Inject TlsVolume volume;
  @Inject CertificateFiles files;

  @Test
  void planAndFailedApplyKeepTheFilesOfADroppedCertificate() throws Exception {
    String name = installed();
    List<Map<String, Object>> others = exportedCertificatesExcept(name);

    JsonPath plan =
        admin()
            .body(Map.of("certificates", others))
            .post("/api/v1/config:plan")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertEquals("delete", plan.getString("changes.find { it.key == '" + name + "' }.action"));
    assertTrue(volume.read(name).isPresent(), "a plan removed the certificate's files");

    // The prune deletes the certificate first; the invalid entry after it rolls everything back.
    List<Map<String, Object>> invalid = new ArrayList<>(others);
    invalid.add(certificate("zz" + name, "ftp://127.0.0.1/dir"));
    admin()
        .body(Map.of("certificates", invalid))
        .post("/api/v1/config:apply")
        .then()
        .statusCode(400);
    admin().get("/api/v1/certificates/" + name).then().statusCode(200);
    assertTrue(volume.read(name).isPresent(), "a rolled-back apply removed the files");

    admin()
        .body(Map.of("certificates", others))
        .post("/api/v1/config:apply")
        .then()
        .statusCode(200);
    admin().get("/api/v1/certificates/" + name).then().statusCode(404);
    assertFalse(volume.read(name).isPresent(), "a committed delete keeps the files");
    assertFalse(volume.names().contains(name));
  }

  @Test
  void restDeleteRemovesTheFilesOnceCommitted() throws Exception {
    String name = installed();
    admin().delete("/api/v1/certificates/" + name).then().statusCode(204);
    assertFalse(volume.read(name).isPresent());
    assertFalse(volume.names().contains(name));
  }

  @Test
  void aPlanNeverServesACertificateAsPrimary() throws Exception {
    String name = installed();
    Optional<TlsPair> before = volume.readPrimary();
    Map<String, Object> primary = exported(name);
    primary.put("primary", true);

    admin()
        .queryParam("prune", "false")
        .body(Map.of("certificates", List.of(primary)))
        .post("/api/v1/config:plan")
        .then()
        .statusCode(200);
    assertEquals(leaf(before), leaf(volume.readPrimary()), "a plan replaced tls.crt");

    admin()
        .queryParam("prune", "false")
        .body(Map.of("certificates", List.of(primary)))
        .post("/api/v1/config:apply")
        .then()
        .statusCode(200);
    assertArrayEquals(
        volume.read(name).orElseThrow().leaf().getEncoded(),
        volume.readPrimary().orElseThrow().leaf().getEncoded(),
        "an applied primary certificate is served as tls.crt");
    admin().delete("/api/v1/certificates/" + name).then().statusCode(204);
  }

  @Test
  void theSweepRemovesFilesWithoutACertificate() throws Exception {
    String kept = installed();
    // A private volume: sweeping the shared test volume would remove other runs' files.
    TlsVolume own =
        new TlsVolume(
            java.nio.file.Files.createTempDirectory("tls-sweep"),
            false,
            java.util.Optional.empty());
    own.write(kept, TlsBootstrap.selfSigned(kept + ".example", Duration.ofDays(1)));
    String orphan = "orphan-" + UUID.randomUUID().toString().substring(0, 8);
    own.write(orphan, TlsBootstrap.selfSigned(orphan + ".example", Duration.ofDays(1)));

    Set<String> removed = files.sweep(own);

    assertTrue(removed.contains(orphan));
    assertFalse(own.read(orphan).isPresent());
    assertTrue(own.read(kept).isPresent(), "the sweep removed a certificate's files");
    admin().delete("/api/v1/certificates/" + kept).then().statusCode(204);
  }

  @Test
  void theSweepLeavesOperatorFilesAloneAndGoesOnPastAFailure() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("tls-sweep");
    // What an operator may keep in the volume: dot-less names that are valid certificate names.
    java.nio.file.Files.writeString(dir.resolve("dhparams"), "operator file");
    java.nio.file.Files.createDirectories(dir.resolve("ca-bundle"));
    java.nio.file.Files.writeString(dir.resolve("ca-bundle").resolve("ca.pem"), "operator");
    java.nio.file.Files.createSymbolicLink(
        dir.resolve("legacy"), java.nio.file.Path.of("dhparams"));
    java.nio.file.Files.createSymbolicLink(
        dir.resolve("absolute"), dir.resolve(".versions").resolve("absolute").resolve("x"));
    String failing = "orphan-a" + UUID.randomUUID().toString().substring(0, 6);
    String orphan = "orphan-b" + UUID.randomUUID().toString().substring(0, 6);
    // Root may delete anything, so the failing delete is injected: one name refuses.
    TlsVolume own =
        new TlsVolume(dir, false, Optional.empty()) {
          @Override
          public synchronized void remove(String name) throws java.io.IOException {
            if (name.equals(failing)) {
              throw new java.nio.file.AccessDeniedException(name);
            }
            super.remove(name);
          }
        };
    own.write(failing, TlsBootstrap.selfSigned(failing + ".example", Duration.ofDays(1)));
    own.write(orphan, TlsBootstrap.selfSigned(orphan + ".example", Duration.ofDays(1)));

    assertEquals(Set.of(failing, orphan), own.names(), "operator entries counted as certificates");
    Set<String> removed = files.sweep(own);

    assertEquals(Set.of(orphan), removed);
    assertFalse(own.read(orphan).isPresent(), "the failure before it stopped the sweep");
    assertTrue(own.read(failing).isPresent());
    assertEquals("operator file", java.nio.file.Files.readString(dir.resolve("dhparams")));
    assertTrue(java.nio.file.Files.exists(dir.resolve("ca-bundle").resolve("ca.pem")));
    assertTrue(java.nio.file.Files.isSymbolicLink(dir.resolve("legacy")));
    assertTrue(java.nio.file.Files.isSymbolicLink(dir.resolve("absolute")));

    // A certificate deleted through the API whose name an operator file has: the file stays.
    own.remove("dhparams");
    own.remove("ca-bundle");
    assertTrue(java.nio.file.Files.exists(dir.resolve("dhparams")));
    assertTrue(java.nio.file.Files.exists(dir.resolve("ca-bundle").resolve("ca.pem")));
  }

  @Test
  void aPairWhoseKeyIsNotTheCertificatesIsNeverServed() throws Exception {
    TlsVolume own =
        new TlsVolume(
            java.nio.file.Files.createTempDirectory("tls-primary"), false, Optional.empty());
    TlsPair served = TlsBootstrap.selfSigned("served.example", Duration.ofDays(1));
    own.writePrimary(served);
    String name = "torn-" + UUID.randomUUID().toString().substring(0, 8);
    TlsPair certificate = TlsBootstrap.selfSigned(name + ".example", Duration.ofDays(1));
    TlsPair otherKey = TlsBootstrap.selfSigned("other.example", Duration.ofDays(1));
    own.write(name, new TlsPair(otherKey.key(), certificate.chain()));

    assertFalse(files.publishPrimary(own, name), "a mismatched pair was published");
    assertArrayEquals(
        served.leaf().getEncoded(),
        own.readPrimary().orElseThrow().leaf().getEncoded(),
        "tls.crt no longer the old, working pair");
    assertTrue(own.readPrimary().orElseThrow().matches());
  }

  /** A certificate row with files in the volume, as if its order had completed. */
  private String installed() throws Exception {
    String name = "f" + UUID.randomUUID().toString().substring(0, 8);
    admin()
        .body(certificate(name, "https://127.0.0.1:14009/dir"))
        .put("/api/v1/certificates/" + name)
        .then()
        .statusCode(201);
    // Its order fails in the background (nothing listens); wait for that, so the order's update
    // of the row cannot race the test's writes.
    for (int i = 0;
        i < 600
            && admin().get("/api/v1/certificates/" + name).jsonPath().get("currentOrderId") != null;
        i++) {
      Thread.sleep(100);
    }
    volume.write(name, TlsBootstrap.selfSigned("mail." + name + ".example", Duration.ofDays(1)));
    return name;
  }

  private static Map<String, Object> certificate(String name, String directoryUrl) {
    return Map.of(
        "name",
        name,
        "domains",
        List.of("mail." + name + ".example"),
        // Nothing listens here: the order fails in the background, which is fine.
        "issuer",
        Map.of("directoryUrl", directoryUrl));
  }

  private static List<Map<String, Object>> exportedCertificatesExcept(String name) {
    List<Map<String, Object>> all =
        admin()
            .get("/api/v1/config")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("certificates");
    return all.stream().filter(c -> !name.equals(c.get("name"))).toList();
  }

  private static Map<String, Object> exported(String name) {
    return new HashMap<>(
        admin()
            .get("/api/v1/config")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getMap("certificates.find { it.name == '" + name + "' }"));
  }

  private static String leaf(Optional<TlsPair> pair) {
    return pair.map(p -> p.leaf().getSerialNumber().toString(16)).orElse("none");
  }
}
