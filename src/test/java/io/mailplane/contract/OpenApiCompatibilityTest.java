package io.mailplane.contract;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.OpenAPIV3Parser;
import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;
import org.openapitools.openapidiff.core.OpenApiCompare;
import org.openapitools.openapidiff.core.model.ChangedOpenApi;
import org.openapitools.openapidiff.core.output.MarkdownRender;

/**
 * The breaking-change gate: the contract must stay backward compatible with the last released one
 * (openapi/baseline/openapi.yaml). Adding operations, optional fields or response fields is fine;
 * removing or renaming anything, or making a request stricter, fails the build with openapi-diff's
 * report of what broke. Releasing a new baseline is a deliberate step (docs/api.md, "API
 * contract").
 */
class OpenApiCompatibilityTest {
  static final Path BASELINE = Path.of("openapi/baseline/openapi.yaml");

  @Test
  void contractIsCompatibleWithTheBaseline() {
    ChangedOpenApi diff =
        OpenApiCompare.fromLocations(BASELINE.toString(), ContractTools.SPEC.toString());
    assertFalse(
        diff.isIncompatible(),
        () ->
            "openapi/openapi.yaml breaks clients of the released contract"
                + " (openapi/baseline/openapi.yaml). Restore compatibility, or, for a deliberate"
                + " major change, update the baseline as docs/api.md describes. What broke:\n"
                + markdown(diff));
  }

  /** A deliberately broken copy of the baseline: the gate must catch each break and name it. */
  @Test
  void brokenContractFailsTheGate() {
    OpenAPI broken = parse(BASELINE);
    // A removed operation.
    broken.getPaths().get("/api/v1/aliases/{address}").setDelete(null);
    // A request made stricter: a new required field.
    Schema<?> mailbox = broken.getComponents().getSchemas().get("Mailbox");
    mailbox.setRequired(new ArrayList<>(java.util.List.of("displayName")));
    // A response field clients read, removed.
    broken.getComponents().getSchemas().get("Domain").getProperties().remove("enabled");

    ChangedOpenApi diff = OpenApiCompare.fromSpecifications(parse(BASELINE), broken);
    String report = markdown(diff);
    assertTrue(diff.isIncompatible(), report);
    assertTrue(report.contains("DELETE") && report.contains("/api/v1/aliases/{address}"), report);
    assertTrue(report.contains("displayName"), report);
    assertTrue(report.contains("enabled"), report);
  }

  private static OpenAPI parse(Path path) {
    OpenAPI api = new OpenAPIV3Parser().read(path.toString());
    if (api == null) {
      throw new IllegalStateException("cannot parse " + path);
    }
    return api;
  }

  static String markdown(ChangedOpenApi diff) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OutputStreamWriter writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
    // The renderer flushes and closes the writer itself.
    new MarkdownRender().render(diff, writer);
    return out.toString(StandardCharsets.UTF_8);
  }
}
