package io.mailplane.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

/**
 * Gives every request and response body in the contract an example, built from the property
 * examples of the DTOs ({@code @Schema(example = ...)}), so the examples can never drift from the
 * schemas: read-only fields are left out of request examples and write-only fields out of response
 * examples, exactly as a client would send and receive them. Error bodies get a Problem example of
 * the kind that status stands for. An explicit example on an operation ({@code @ExampleObject}) is
 * kept as is. The Spectral rules (openapi/.spectral.yaml) then check every body has one.
 */
final class OpenApiExamples {
  private static final String REF_PREFIX = "#/components/schemas/";
  private static final int MAX_DEPTH = 6;

  private enum Direction {
    REQUEST,
    RESPONSE
  }

  private final Map<String, Schema> components;

  private OpenApiExamples(OpenAPI openAPI) {
    this.components =
        openAPI.getComponents() == null || openAPI.getComponents().getSchemas() == null
            ? Map.of()
            : openAPI.getComponents().getSchemas();
  }

  static void addTo(OpenAPI openAPI, String path, Operation operation) {
    new OpenApiExamples(openAPI).add(path, operation);
  }

  private void add(String path, Operation operation) {
    if (operation.getRequestBody() != null) {
      fill(operation.getRequestBody().getContent(), Direction.REQUEST);
    }
    if (operation.getResponses() == null || operation.getResponses().getAPIResponses() == null) {
      return;
    }
    operation
        .getResponses()
        .getAPIResponses()
        .forEach(
            (code, response) -> {
              if (code.startsWith("2")) {
                fill(response.getContent(), Direction.RESPONSE);
              } else if (code.startsWith("4") || code.startsWith("5")) {
                fillProblem(path, code, response);
              }
            });
  }

  private void fill(Content content, Direction direction) {
    if (content == null || content.getMediaTypes() == null) {
      return;
    }
    for (MediaType media : content.getMediaTypes().values()) {
      if (hasExample(media) || media.getSchema() == null) {
        continue;
      }
      Object example = example(media.getSchema(), direction, 0);
      if (example != null) {
        media.setExample(example);
      }
    }
  }

  private static void fillProblem(String path, String code, APIResponse response) {
    if (response.getContent() == null || response.getContent().getMediaTypes() == null) {
      return;
    }
    MediaType media = response.getContent().getMediaType(Problem.MEDIA_TYPE);
    if (media == null || hasExample(media)) {
      return;
    }
    ProblemKind kind = kindFor(code);
    Map<String, Object> problem = new LinkedHashMap<>();
    problem.put("type", kind.type());
    problem.put("title", kind.title());
    problem.put("status", kind.status());
    problem.put("detail", response.getDescription());
    problem.put("instance", path);
    if (kind == ProblemKind.VALIDATION_FAILED) {
      // Insertion-ordered: Map.of iterates in a per-JVM random order, and the snapshot must be
      // byte-stable.
      Map<String, Object> error = new LinkedHashMap<>();
      error.put("field", "name");
      error.put("message", "must not be blank");
      problem.put("errors", List.of(error));
    }
    media.setExample(problem);
  }

  /** The first kind with that status: the table's canonical kind for it. */
  private static ProblemKind kindFor(String code) {
    int status = Integer.parseInt(code);
    for (ProblemKind kind : ProblemKind.values()) {
      if (kind.status() == status) {
        return kind;
      }
    }
    return ProblemKind.INTERNAL_ERROR;
  }

  private static boolean hasExample(MediaType media) {
    return media.getExample() != null
        || (media.getExamples() != null && !media.getExamples().isEmpty());
  }

  private Object example(Schema schema, Direction direction, int depth) {
    if (schema == null || depth > MAX_DEPTH) {
      return null;
    }
    if (schema.getRef() != null) {
      String ref = schema.getRef();
      return ref.startsWith(REF_PREFIX)
          ? example(components.get(ref.substring(REF_PREFIX.length())), direction, depth + 1)
          : null;
    }
    if (schema.getExample() != null) {
      return schema.getExample();
    }
    if (schema.getAllOf() != null && schema.getAllOf().size() == 1) {
      return example(schema.getAllOf().get(0), direction, depth + 1);
    }
    if (schema.getItems() != null) {
      Object item = example(schema.getItems(), direction, depth + 1);
      return item == null ? null : new ArrayList<>(List.of(item));
    }
    if (schema.getProperties() == null || schema.getProperties().isEmpty()) {
      return null;
    }
    Map<String, Object> object = new LinkedHashMap<>();
    schema
        .getProperties()
        .forEach(
            (name, property) -> {
              if (direction == Direction.REQUEST && Boolean.TRUE.equals(property.getReadOnly())) {
                return;
              }
              if (direction == Direction.RESPONSE && Boolean.TRUE.equals(property.getWriteOnly())) {
                return;
              }
              Object value = example(property, direction, depth + 1);
              if (value != null) {
                object.put(name, value);
              } else if (schema.getRequired() != null && schema.getRequired().contains(name)) {
                // A required property must be in the example too (Spectral validates them).
                Object fallback = fallback(property);
                if (fallback != null || nullable(property)) {
                  object.put(name, fallback);
                }
              }
            });
    return object.isEmpty() ? null : object;
  }

  /**
   * The value of a required property without an example of its own: its first enum value, null when
   * it is nullable, an empty list for an array.
   */
  private Object fallback(Schema property) {
    Schema target = property;
    if (property.getAllOf() != null && property.getAllOf().size() == 1) {
      target = property.getAllOf().get(0);
    }
    if (target.getRef() != null && target.getRef().startsWith(REF_PREFIX)) {
      target = components.getOrDefault(target.getRef().substring(REF_PREFIX.length()), target);
    }
    if (property.getEnumeration() != null) {
      return property.getEnumeration().stream()
          .filter(java.util.Objects::nonNull)
          .findFirst()
          .orElse(null);
    }
    if (isArray(property) || isArray(target)) {
      return new ArrayList<>();
    }
    return null;
  }

  private static boolean nullable(Schema schema) {
    List<Schema.SchemaType> nullType = List.of(Schema.SchemaType.NULL);
    return (schema.getType() != null && schema.getType().contains(Schema.SchemaType.NULL))
        || (schema.getAnyOf() != null
            && schema.getAnyOf().stream().anyMatch(s -> nullType.equals(s.getType())));
  }

  private static boolean isArray(Schema schema) {
    return schema.getType() != null && schema.getType().contains(Schema.SchemaType.ARRAY);
  }
}
