package io.mailplane.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The deployment files (deploy/compose, deploy/k8s, deploy/local units) pass deploy/check.sh:
 * docker-compose renders, kustomize renders, yamllint, systemd-analyze, variables and mounts. The
 * script skips (and says so) what a machine lacks; a failed check fails the build.
 */
class DeploymentFilesTest {
  @Test
  void checkScriptPasses() throws Exception {
    Process process =
        new ProcessBuilder("bash", "deploy/check.sh").redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(5, TimeUnit.MINUTES), "deploy/check.sh timed out");
    System.out.print(output);
    assertEquals(0, process.exitValue(), "deploy/check.sh failed:\n" + output);
    assertTrue(output.contains("ok: every compose variable is in .env.dist"), output);
  }

  /** The image copies the Quarkus fast-jar layout and starts its runner jar. */
  @Test
  void dockerfileUsesTheFastJarLayout() throws IOException {
    String dockerfile = Files.readString(Path.of("src/main/docker/Dockerfile.jvm"));
    Matcher copy =
        Pattern.compile("(?m)^COPY\\s+(?:--\\S+\\s+)*(\\S+)\\s+\\S+$").matcher(dockerfile);
    List<String> sources = copy.results().map(m -> m.group(1)).toList();
    assertEquals(
        List.of(
            "target/quarkus-app/lib/",
            "target/quarkus-app/*.jar",
            "target/quarkus-app/app/",
            "target/quarkus-app/quarkus/"),
        sources);
    assertTrue(dockerfile.contains("-jar /deployments/quarkus-run.jar"), "runs quarkus-run.jar");
    assertTrue(dockerfile.contains("/q/health/ready"), "HEALTHCHECK on readiness");
    assertTrue(dockerfile.matches("(?s).*\\bfetchmail\\b.*"), "installs fetchmail");
    assertTrue(dockerfile.contains("USER 10001:10001"), "runs as non-root");
  }
}
