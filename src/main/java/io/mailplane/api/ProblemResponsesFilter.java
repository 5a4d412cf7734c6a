package io.mailplane.api;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
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
          "406", "The Accept header allows none of the media types this operation produces",
          "414", "Request URI too long (mailplane.api.max-uri-length)",
          "429", "Too many failed authentication attempts",
          "500", "Unexpected server error",
          "503",
              "A dependency (the database, Redis) is unavailable or the work ran past its"
                  + " transaction timeout; retry later");

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
                        addHeaders(openAPI, operation);
                        OpenApiExamples.addTo(openAPI, path, operation);
                      });
            });
  }

  private static void addProblems(String path, PathItem.HttpMethod method, Operation operation) {
    Map<String, String> codes = new TreeMap<>(ALWAYS);
    boolean keyed = path.contains("{");
    boolean write = method != PathItem.HttpMethod.GET;
    // Every operation can answer 404: a mailbox signed in with only the self role finds nothing
    // but its own things (auth/SelfService).
    codes.put(
        "404",
        keyed || write
            ? "No such object (or not visible to this token)"
            : "Not there for this caller (a mailbox signed in with the self role)");
    if (write) {
      codes.put(
          "409", "Conflicts with the current state: exists, in use, limit reached or alias loop");
      codes.put("413", "Request body too large");
      codes.put("415", "Unsupported Content-Type");
    }
    // Precondition.check runs wherever the operation reads If-Match / If-None-Match, and only
    // there.
    if (hasHeader(operation, "If-Match") || hasHeader(operation, "If-None-Match")) {
      codes.put("412", "If-Match / If-None-Match precondition failed");
    }
    if (hasHeader(operation, IDEMPOTENCY_KEY)) {
      codes.put("422", "Idempotency-Key reused with a different body");
    }
    codes.forEach(
        (code, description) -> {
          APIResponse existing = operation.getResponses().getAPIResponse(code);
          if (existing == null || existing.getContent() == null) {
            operation.getResponses().addAPIResponse(code, problem(description));
          }
        });
  }

  private static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  /**
   * Errors the operation itself raises, which Idempotency stores and replays; the others (401, 406,
   * 413, 415, 422, 429) are answered before it runs.
   */
  private static final Set<String> REPLAYABLE_ERRORS = Set.of("400", "403", "404", "409", "412");

  /**
   * The headers the server sends, declared from the same facts that make it send them: ETag is the
   * version of the object in the body (Responses.ok/created), Link the next page of a list
   * (Responses.page), Location the created object or the started job, Idempotency-Replayed a replay
   * (Idempotency), WWW-Authenticate and Retry-After come with 401 and 429 (AuthFilter) and
   * Retry-After with a lock collision's 409 (ProblemMapper).
   */
  private static void addHeaders(OpenAPI openAPI, Operation operation) {
    boolean paged = hasQuery(operation, "after");
    boolean idempotent = hasHeader(operation, IDEMPOTENCY_KEY);
    operation
        .getResponses()
        .getAPIResponses()
        .forEach(
            (code, response) -> {
              if ((code.equals("200") || code.equals("201")) && carriesVersion(openAPI, response)) {
                header(response, "ETag", "The object's version, for If-Match", false);
              }
              if (code.equals("201")) {
                header(response, "Location", "URL of the created object", true);
              }
              if (code.equals("202")) {
                header(response, "Location", "URL to poll for the outcome", true);
              }
              if (code.equals("200") && paged) {
                header(
                    response,
                    "Link",
                    "`<url>; rel=\"next\"` while there is a next page (the same URL as `next`)",
                    false);
              }
              if (idempotent && (code.startsWith("2") || REPLAYABLE_ERRORS.contains(code))) {
                header(
                    response,
                    "Idempotency-Replayed",
                    "`true` when this is the stored response of an earlier request with the same"
                        + " Idempotency-Key",
                    false);
              }
              if (code.equals("401")) {
                header(response, "WWW-Authenticate", "`Bearer realm=\"mailplane\"`", true);
              }
              if (code.equals("429")) {
                header(response, "Retry-After", "Seconds until this address may try again", true);
              }
              if (code.equals("503")) {
                header(response, "Retry-After", "Seconds after which a retry may succeed", false);
              }
              if (code.equals("409")) {
                header(
                    response,
                    "Retry-After",
                    "Present when the change collided with a concurrent one: seconds after which a"
                        + " retry will go through",
                    false);
              }
            });
  }

  /** True when the JSON body's schema has a `version` property: the value the ETag carries. */
  private static boolean carriesVersion(OpenAPI openAPI, APIResponse response) {
    if (response.getContent() == null
        || response.getContent().getMediaType("application/json") == null) {
      return false;
    }
    Schema schema = response.getContent().getMediaType("application/json").getSchema();
    String ref = schema == null ? null : schema.getRef();
    if (ref == null || openAPI.getComponents() == null) {
      return false;
    }
    Schema target =
        openAPI.getComponents().getSchemas().get(ref.substring(ref.lastIndexOf('/') + 1));
    return target != null
        && target.getProperties() != null
        && target.getProperties().containsKey("version");
  }

  private static void header(
      APIResponse response, String name, String description, boolean required) {
    if (response.getHeaders() != null && response.getHeaders().containsKey(name)) {
      return;
    }
    response.addHeader(
        name,
        OASFactory.createHeader()
            .description(description)
            .required(required ? Boolean.TRUE : null)
            .schema(OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING))));
  }

  private static boolean hasHeader(Operation operation, String name) {
    return hasParameter(operation, Parameter.In.HEADER, name);
  }

  private static boolean hasQuery(Operation operation, String name) {
    return hasParameter(operation, Parameter.In.QUERY, name);
  }

  private static boolean hasParameter(Operation operation, Parameter.In in, String name) {
    return operation.getParameters() != null
        && operation.getParameters().stream()
            .anyMatch(p -> p.getIn() == in && name.equalsIgnoreCase(p.getName()));
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
