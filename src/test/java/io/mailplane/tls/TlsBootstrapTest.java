package io.mailplane.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.push.Outbox;
import io.mailplane.push.OutboxEvent;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

@QuarkusTest
// The startup check must see the directory before the other tests rewrite it.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestProfile(TlsBootstrapTest.Profile.class)
class TlsBootstrapTest {
  static final String DIRECTORY = "target/tls-bootstrap-" + UUID.randomUUID();

  /**
   * Own directory, bootstrap on, and push off: a delivered event may be pruned at once, and the
   * test must find the one the bootstrap recorded.
   */
  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "mailplane.tls.directory", DIRECTORY,
          "mailplane.tls.bootstrap", "true",
          "mailplane.tls.mail-hostname", "mx.bootstrap.example",
          "mailplane.push.enabled", "false");
    }
  }

  @Inject TlsBootstrap bootstrap;
  @Inject TlsVolume volume;

  private static long lastOutboxId() {
    return QuarkusTransaction.requiringNew()
        .call(
            () ->
                OutboxEvent.getEntityManager()
                    .createQuery("select coalesce(max(e.id), 0) from OutboxEvent e", Long.class)
                    .getSingleResult());
  }

  private static long tlsEventsAfter(long id) {
    return QuarkusTransaction.requiringNew()
        .call(
            () ->
                OutboxEvent.count("id > ?1 and kind = ?2 and key = ?3", id, Outbox.TLS, "primary"));
  }

  private void emptyDirectory() throws Exception {
    Path dir = Path.of(DIRECTORY);
    if (Files.exists(dir)) {
      try (Stream<Path> all = Files.walk(dir)) {
        for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
  }

  private static void assertUsableFor(String host) throws Exception {
    Path dir = Path.of(DIRECTORY);
    TlsPair pair =
        TlsVolume.parse(
            Files.readString(dir.resolve("tls.crt")), Files.readString(dir.resolve("tls.key")));
    assertTrue(pair.matches(), "tls.key belongs to tls.crt");
    X509Certificate leaf = pair.leaf();
    leaf.checkValidity();
    assertTrue(
        leaf.getSubjectAlternativeNames().contains(List.of(2, host)),
        "SAN " + leaf.getSubjectAlternativeNames());
  }

  @Test
  @Order(1)
  void startupWroteAPairIntoTheEmptyDirectory() throws Exception {
    // The directory is this profile's own, so only the StartupEvent observer can have written it.
    assertUsableFor("mx.bootstrap.example");
    assertEquals(
        "rw-------",
        java.nio.file.attribute.PosixFilePermissions.toString(
            Files.getPosixFilePermissions(Path.of(DIRECTORY, "tls.key"))));
  }

  @Test
  void emptyDirectoryGetsASelfSignedPairAndATlsEvent() throws Exception {
    emptyDirectory();
    long before = lastOutboxId();
    assertTrue(bootstrap.ensure());
    assertUsableFor("mx.bootstrap.example");
    assertEquals(1, tlsEventsAfter(before));
  }

  @Test
  void usableFilesAreNeverOverwritten() throws Exception {
    emptyDirectory();
    bootstrap.ensure();
    Path dir = Path.of(DIRECTORY);
    byte[] crt = Files.readAllBytes(dir.resolve("tls.crt"));
    byte[] key = Files.readAllBytes(dir.resolve("tls.key"));
    long before = lastOutboxId();

    assertFalse(bootstrap.ensure());

    assertArrayEquals(crt, Files.readAllBytes(dir.resolve("tls.crt")));
    assertArrayEquals(key, Files.readAllBytes(dir.resolve("tls.key")));
    assertEquals(0, tlsEventsAfter(before));
  }

  @Test
  void operatorsRegularFilesAreKeptWhenUsable() throws Exception {
    // The seed's layout: plain files, not our links.
    emptyDirectory();
    Path dir = Files.createDirectories(Path.of(DIRECTORY));
    TlsPair pair = TlsBootstrap.selfSigned("mail.operator.example", Duration.ofDays(30));
    Path scratch = Files.createTempDirectory(Path.of("target"), "tls-scratch");
    new TlsVolume(scratch, false, java.util.Optional.empty()).writePrimary(pair);
    Files.copy(scratch.resolve("tls.crt"), dir.resolve("tls.crt"));
    Files.copy(scratch.resolve("tls.key"), dir.resolve("tls.key"));
    byte[] crt = Files.readAllBytes(dir.resolve("tls.crt"));

    assertFalse(bootstrap.ensure());

    assertFalse(Files.isSymbolicLink(dir.resolve("tls.crt")));
    assertArrayEquals(crt, Files.readAllBytes(dir.resolve("tls.crt")));
  }

  @Test
  void mismatchedOrGarbageFilesAreReplaced() throws Exception {
    emptyDirectory();
    Path dir = Files.createDirectories(Path.of(DIRECTORY));
    Path scratch = Files.createTempDirectory(Path.of("target"), "tls-scratch");
    TlsVolume other = new TlsVolume(scratch, false, java.util.Optional.empty());
    other.writePrimary(TlsBootstrap.selfSigned("one.example", Duration.ofDays(30)));
    Files.copy(scratch.resolve("tls.crt"), dir.resolve("tls.crt"));
    other.writePrimary(TlsBootstrap.selfSigned("two.example", Duration.ofDays(30)));
    Files.copy(scratch.resolve("tls.key"), dir.resolve("tls.key"));
    assertTrue(bootstrap.unusableReason().orElseThrow().contains("does not belong"));

    long before = lastOutboxId();
    assertTrue(bootstrap.ensure());
    assertUsableFor("mx.bootstrap.example");
    assertEquals(1, tlsEventsAfter(before));

    // Garbage where the daemons' files are is replaced too.
    emptyDirectory();
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("tls.crt"), "");
    Files.writeString(dir.resolve("tls.key"), "not a key");
    assertTrue(bootstrap.ensure());
    assertUsableFor("mx.bootstrap.example");
  }
}
