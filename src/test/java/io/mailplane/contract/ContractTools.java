package io.mailplane.contract;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the npm contract tools the build installed (tools/contract/install.sh) and compiled
 * (target/ts-scenario): Spectral and the TypeScript SDK scenario under node.
 */
final class ContractTools {
  static final Path TOOLS = Path.of("tools/contract/node_modules/.bin");
  static final Path SPEC = Path.of("openapi/openapi.yaml");
  static final Path RULESET = Path.of("openapi/.spectral.yaml");

  private ContractTools() {}

  record Result(int exitCode, String output) {}

  static Result spectral(Path spec) {
    return run(
        Map.of(),
        TOOLS.resolve("spectral").toString(),
        "lint",
        spec.toString(),
        "--ruleset",
        RULESET.toString(),
        "--format",
        "text",
        "--fail-severity",
        "error");
  }

  static Result run(Map<String, String> env, String... command) {
    Path executable = Path.of(command[0]);
    if (executable.getNameCount() > 1 && !Files.isExecutable(executable)) {
      throw new IllegalStateException(
          command[0] + " is missing: the build installs it (./mvnw process-test-sources)");
    }
    try {
      Path log = Files.createTempFile("contract-tool", ".log");
      try {
        ProcessBuilder builder =
            new ProcessBuilder(new ArrayList<>(List.of(command)))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException(String.join(" ", command) + " timed out");
        }
        return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(log);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command[0], e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
