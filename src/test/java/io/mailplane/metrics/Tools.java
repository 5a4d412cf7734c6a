package io.mailplane.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The Prometheus binaries deploy/local/observability-services.sh installs. */
final class Tools {
  static final Path OBSERVABILITY = Path.of("deploy/observability").toAbsolutePath();

  private Tools() {}

  /** The binary on PATH; fails with how to get it, never skips (CI must run these tests). */
  static String binary(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    throw new AssertionError(
        name + " is not installed: run deploy/local/observability-services.sh start");
  }

  record Result(int exit, String output) {}

  /** Runs a command to its end (at most 5 minutes: promtool is slow on a loaded machine). */
  static Result run(Path dir, List<String> command) throws IOException, InterruptedException {
    Path log = Files.createTempFile("mailplane-tool", ".log");
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError(command + " did not finish in 5 minutes");
      }
      return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
