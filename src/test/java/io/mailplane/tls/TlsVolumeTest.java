package io.mailplane.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.api.ApiException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsVolumeTest {
  @TempDir Path dir;

  private static TlsPair pair(String host) {
    return TlsBootstrap.selfSigned(host, Duration.ofDays(1));
  }

  @Test
  void primaryPairReplacedUnderAConcurrentReaderNeverMismatches() throws Exception {
    TlsVolume volume = new TlsVolume(dir, false, Optional.empty());
    List<TlsPair> pairs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      pairs.add(pair("host" + i + ".example"));
    }
    volume.writePrimary(pairs.get(0));

    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger reads = new AtomicInteger();
    AtomicInteger mismatches = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread reader =
        new Thread(
            () -> {
              try {
                while (!done.get()) {
                  TlsPair read = volume.readPrimary().orElseThrow();
                  if (!read.matches()) {
                    mismatches.incrementAndGet();
                  }
                  reads.incrementAndGet();
                }
              } catch (Throwable e) {
                failure.set(e);
              }
            });
    reader.start();
    for (int i = 1; i <= 300; i++) {
      volume.writePrimary(pairs.get(i % pairs.size()));
    }
    done.set(true);
    reader.join();

    assertEquals(null, failure.get());
    assertEquals(0, mismatches.get());
    assertTrue(reads.get() > 50, "the reader overlapped the writes: " + reads.get());
    // The daemons' names end at the last pair written.
    TlsPair last = pairs.get(300 % pairs.size());
    String crt = Files.readString(dir.resolve("tls.crt"));
    String key = Files.readString(dir.resolve("tls.key"));
    TlsPair daemons = TlsVolume.parse(crt, key);
    assertTrue(daemons.matches());
    assertEquals(last.leaf(), daemons.leaf());
    try (Stream<Path> versions = Files.list(dir.resolve(".versions/_primary"))) {
      assertEquals(TlsVolume.KEEP, versions.count(), "old versions are pruned");
    }
  }

  @Test
  void namedCertificateLayout() throws Exception {
    TlsVolume volume = new TlsVolume(dir, false, Optional.empty());
    TlsPair pair = pair("mail.example.org");
    volume.write("mail-example", pair);
    Path named = dir.resolve("mail-example");
    for (String file : List.of("fullchain.pem", "privkey.pem", "cert.pem", "chain.pem")) {
      assertTrue(Files.isRegularFile(named.resolve(file)), file);
    }
    assertEquals("", Files.readString(named.resolve("chain.pem")), "self-signed: no chain");
    assertTrue(Files.readString(named.resolve("privkey.pem")).startsWith("-----BEGIN PRIVATE KEY"));
    TlsPair read = volume.read("mail-example").orElseThrow();
    assertEquals(pair.leaf(), read.leaf());
    assertTrue(read.matches());
    assertFalse(Files.exists(dir.resolve("tls.crt")), "a named write leaves the primary alone");
  }

  @Test
  void privateKeyIsOwnerOnlyByDefault() throws Exception {
    new TlsVolume(dir, false, Optional.empty()).writePrimary(pair("a.example"));
    assertEquals("rw-------", mode(dir.resolve("tls.key")));
    assertEquals("rw-r--r--", mode(dir.resolve("tls.crt")));
  }

  @Test
  void privateKeyGroupReadableWithConfiguredGroup() throws Exception {
    // The only group a test can hand a file to without privileges is one it is in.
    String group = Files.getAttribute(dir, "posix:group").toString();
    group = group.contains("@") ? group.substring(0, group.indexOf('@')) : group;
    new TlsVolume(dir, true, Optional.of(group)).write("web", pair("a.example"));
    Path key = dir.resolve("web/privkey.pem");
    assertEquals("rw-r-----", mode(key));
    assertEquals(group, Files.getAttribute(key, "posix:group").toString());
  }

  @Test
  void hostileNamesAreRejectedAndNothingIsWritten() throws Exception {
    TlsVolume volume = new TlsVolume(dir, false, Optional.empty());
    TlsPair pair = pair("a.example");
    for (String name :
        new String[] {
          "../x",
          "/etc/passwd",
          "a/b",
          ".",
          "..",
          "a".repeat(300),
          "Upper",
          "",
          "_primary",
          "a.b",
          "a\nb",
          "a b",
          null
        }) {
      assertThrows(ApiException.class, () -> volume.write(name, pair), String.valueOf(name));
    }
    assertThrows(ApiException.class, () -> volume.read("../x"));
    try (Stream<Path> entries = Files.list(dir)) {
      assertEquals(List.of(), entries.toList());
    }
    assertFalse(Files.exists(dir.getParent().resolve("x")));
    volume.write("a".repeat(63), pair);
  }

  private static String mode(Path file) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
  }

  @Test
  void anOperatorsEntryOfTheSameNameIsNeverReplacedNorRemoved(@TempDir Path dir) throws Exception {
    TlsVolume volume = new TlsVolume(dir, false, Optional.empty());
    Files.writeString(dir.resolve("dhparams"), "operator file");
    Files.createDirectories(dir.resolve("ca-bundle"));

    for (String name : List.of("dhparams", "ca-bundle")) {
      assertThrows(
          java.io.IOException.class,
          () -> volume.write(name, TlsBootstrap.selfSigned(name + ".example", Duration.ofDays(1))));
      volume.remove(name);
    }
    assertEquals("operator file", Files.readString(dir.resolve("dhparams")));
    assertTrue(Files.isDirectory(dir.resolve("ca-bundle")));
    assertTrue(volume.names().isEmpty(), volume.names().toString());
  }
}
