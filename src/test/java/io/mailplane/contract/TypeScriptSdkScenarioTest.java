package io.mailplane.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.TestApi;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs the TypeScript scenario (src/test/ts/sdk-scenario.ts, compiled by the build with the
 * generated typescript-fetch SDK) under node against this test's running server.
 */
@QuarkusTest
class TypeScriptSdkScenarioTest {
  private static final Path SCENARIO = Path.of("target/ts-scenario/src/test/ts/sdk-scenario.js");

  @TestHTTPResource("/")
  URI server;

  @Test
  void lifecycleThroughTheGeneratedTypeScriptClient() throws Exception {
    assertTrue(
        Files.exists(SCENARIO),
        SCENARIO + " is missing: the build compiles it (process-test-sources)");
    ContractTools.Result result;
    // node's traffic is checked against the contract on its way through the proxy.
    try (ContractProxy proxy = ContractProxy.start(server)) {
      result =
          ContractTools.run(
              Map.of(
                  "MAILPLANE_URL", proxy.uri().toString(), "MAILPLANE_TOKEN", TestApi.ADMIN_TOKEN),
              "node",
              SCENARIO.toString());
    }
    assertEquals(0, result.exitCode(), "TypeScript SDK scenario failed:\n" + result.output());
    assertTrue(result.output().contains("scenario ok"), result.output());
  }
}
