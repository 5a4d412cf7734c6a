package io.mailplane.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.mailplane.NeedsDaemons;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The alert rules of deploy/observability pass Prometheus' own checker and their fixtures
 * (deploy/observability/tests/*.yml): each alert fires when it should and stays silent otherwise.
 */
@NeedsDaemons
class PrometheusRulesTest {
  @Test
  void rulesAreValid() throws Exception {
    Tools.Result result =
        Tools.run(
            Tools.OBSERVABILITY, List.of(Tools.binary("promtool"), "check", "rules", "alerts.yml"));
    assertEquals(0, result.exit(), result.output());
  }

  @Test
  void rulesPassTheirFixtures() throws Exception {
    Path tests = Tools.OBSERVABILITY.resolve("tests");
    List<String> command = new ArrayList<>(List.of(Tools.binary("promtool"), "test", "rules"));
    try (Stream<Path> files = Files.list(tests)) {
      files
          .filter(f -> f.toString().endsWith(".yml"))
          .sorted()
          .forEach(f -> command.add(f.getFileName().toString()));
    }
    assertFalse(command.size() == 3, "no fixture files in " + tests);
    Tools.Result result = Tools.run(tests, command);
    assertEquals(0, result.exit(), result.output());
  }
}
