package io.mailplane.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs after `package` (failsafe, in `./mvnw verify`): everything src/main/docker/Dockerfile.jvm
 * COPYs exists, and the runner jar it starts finds its libraries where the image puts them. No
 * Docker engine exists on the build machines, so this is as close to `docker build` as CI gets.
 */
class DeploymentPackageIT {
  @Test
  void everythingTheDockerfileCopiesExists() throws IOException {
    String dockerfile = Files.readString(Path.of("src/main/docker/Dockerfile.jvm"));
    Matcher copy =
        Pattern.compile("(?m)^COPY\\s+(?:--\\S+\\s+)*(\\S+)\\s+\\S+$").matcher(dockerfile);
    List<String> sources = copy.results().map(m -> m.group(1)).toList();
    assertEquals(4, sources.size(), sources.toString());
    for (String source : sources) {
      if (source.endsWith("*.jar")) {
        Path dir = Path.of(source.substring(0, source.length() - "*.jar".length()));
        try (Stream<Path> jars = Files.list(dir)) {
          assertTrue(jars.anyMatch(p -> p.toString().endsWith(".jar")), "no jar in " + dir);
        }
      } else {
        Path dir = Path.of(source);
        assertTrue(Files.isDirectory(dir), source + " is missing after package");
        try (Stream<Path> entries = Files.list(dir)) {
          assertTrue(entries.findAny().isPresent(), source + " is empty");
        }
      }
    }
  }

  @Test
  void runnerJarFindsItsLibrariesInTheImageLayout() throws IOException {
    try (JarFile runner = new JarFile("target/quarkus-app/quarkus-run.jar")) {
      var attributes = runner.getManifest().getMainAttributes();
      assertEquals(
          "io.quarkus.bootstrap.runner.QuarkusEntryPoint", attributes.getValue("Main-Class"));
      // Class-Path entries are relative to the jar: lib/… must sit next to it, as in /deployments.
      for (String entry : attributes.getValue("Class-Path").split(" ")) {
        if (!entry.isBlank()) {
          assertTrue(
              Files.exists(Path.of("target/quarkus-app").resolve(entry)), "missing " + entry);
        }
      }
    }
    assertTrue(Files.exists(Path.of("target/quarkus-app/quarkus/quarkus-application.dat")));
  }
}
