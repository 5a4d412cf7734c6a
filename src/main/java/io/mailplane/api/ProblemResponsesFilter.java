package io.mailplane.api;

import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

/**
 * Documents the problem+json error responses on every operation from the one status table, so the
 * contract cannot forget an error an operation can return.
 */
public class ProblemResponsesFilter implements OASFilter {
  private static final Map<String, String> ALWAYS =
      Map.of(
          "400", "Invalid input (see `errors`)",
          "401", "Missing or invalid bearer token",
          "403", "The token's scope does not allow this",
          "429", "Too many failed authentication attempts",
          "500", "Unexpected server error");

  @Override
  public void filterOpenAPI(OpenAPI openAPI) {
    if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
      return;
    }
    OpenApiSchemas.normalize(openAPI);
    openAPI
        .getPaths()
        .getPathItems()
        .forEach(
            (path, item) -> {
              if (!path.startsWith("/api/")) {
                return;
              }
              item.getOperations()
                  .forEach(
                      (method, operation) -> {
                        addProblems(path, method, operation);
                        OpenApiExamples.addTo(openAPI, path, operation);
                      });
            });
  }

  private static void addProblems(String path, PathItem.HttpMethod method, Operation operation) {
    Map<String, String> codes = new TreeMap<>(ALWAYS);
    boolean keyed = path.contains("{");
    boolean write = method != PathItem.HttpMethod.GET;
    if (keyed || write) {
      codes.put("404", "No such object (or not visible to this token)");
    }
    if (write) {
      codes.put(
          "409", "Conflicts with the current state: exists, in use, limit reached or alias loop");
      codes.put("413", "Request body too large");
      codes.put("415", "Unsupported Content-Type");
    }
    if (keyed
        && (method == PathItem.HttpMethod.PUT
            || method == PathItem.HttpMethod.PATCH
            || method == PathItem.HttpMethod.DELETE)) {
      codes.put("412", "If-Match / If-None-Match precondition failed");
    }
    if (method == PathItem.HttpMethod.POST) {
      codes.put("422", "Idempotency-Key reused with a different body");
    }
    codes.forEach(
        (code, description) -> {
          APIResponse existing = operation.getResponses().getAPIResponse(code);
          if (existing == null || existing.getContent() == null) {
            operation.getResponses().addAPIResponse(code, problem(description));
          }
        });
    addHeaders(operation, keyed || method == PathItem.HttpMethod.POST);
  }

  /** ETag on single-object responses, Location on creations. */
  private static void addHeaders(Operation operation, boolean singleObject) {
    operation
        .getResponses()
        .getAPIResponses()
        .forEach(
            (code, response) -> {
              if (singleObject && (code.equals("200") || code.equals("201"))) {
                response.addHeader(
                    "ETag",
                    OASFactory.createHeader()
                        .description("The object's version, for If-Match")
                        .schema(
                            OASFactory.createSchema()
                                .type(java.util.List.of(Schema.SchemaType.STRING))));
              }
              if (code.equals("201")) {
                response.addHeader(
                    "Location",
                    OASFactory.createHeader()
                        .description("URL of the created object")
                        .schema(
                            OASFactory.createSchema()
                                .type(java.util.List.of(Schema.SchemaType.STRING))));
              }
            });
  }

  private static APIResponse problem(String description) {
    return OASFactory.createAPIResponse()
        .description(description)
        .content(
            OASFactory.createContent()
                .addMediaType(
                    Problem.MEDIA_TYPE,
                    OASFactory.createMediaType()
                        .schema(OASFactory.createSchema().ref("#/components/schemas/Problem"))));
  }
}
