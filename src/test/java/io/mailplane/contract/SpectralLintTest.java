package io.mailplane.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The contract passes the Spectral ruleset (openapi/.spectral.yaml) with zero errors, and the
 * ruleset really catches each kind of defect: a fixture with one of each must fail on every rule.
 */
class SpectralLintTest {
  private static final Path BROKEN = Path.of("src/test/resources/contract/broken-lint.yaml");

  @Test
  void contractHasNoLintErrors() {
    ContractTools.Result result = ContractTools.spectral(ContractTools.SPEC);
    assertEquals(
        0,
        result.exitCode(),
        "Spectral found errors in openapi/openapi.yaml; fix the annotations in the resources and"
            + " DTOs, then refresh the snapshot:\n"
            + result.output());
  }

  @Test
  void brokenFixtureFailsOnEveryRule() {
    ContractTools.Result result = ContractTools.spectral(BROKEN);
    assertNotEquals(0, result.exitCode(), result.output());
    for (String rule :
        List.of(
            "mailplane-operation-id ",
            "mailplane-operation-id-present",
            "mailplane-operation-tag",
            "mailplane-operation-summary",
            "mailplane-path-parameter-description",
            "mailplane-request-example",
            "mailplane-response-example",
            "mailplane-problem-responses",
            "mailplane-property-example",
            "mailplane-write-only-secrets",
            "mailplane-read-only-server-fields",
            // the OWASP API Security ruleset is loaded too
            "owasp:api2:2023-write-restricted",
            "owasp:api4:2023-integer-format")) {
      assertTrue(
          result.output().contains(rule),
          "the broken fixture should violate " + rule.strip() + ":\n" + result.output());
    }
  }
}
