package io.mailplane.api;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;

/**
 * Makes the component schemas say exactly what the server sends, in a form OAS 3.0.3 validators and
 * SDK generators read the same way.
 *
 * <ul>
 *   <li>Nulls: under 3.0.3 {@code nullable} only widens the {@code type} beside it, so a null is
 *       still rejected by an {@code allOf: [$ref]} or an {@code enum} without {@code null} next to
 *       it. Date-times are inlined ({@code type: string, format: date-time}); a nullable reference
 *       makes the referenced object schema nullable (every such schema is only ever optional data);
 *       a nullable enum lists {@code null}.
 *   <li>Required: Jackson writes every property, null or not (no global NON_NULL), so a property of
 *       a response is always present. A schema only responses use requires all its properties but
 *       write-only ones; a schema requests use too requires its read-only ones (OAS 3.0: a required
 *       read-only property applies to responses only), because PUT/PATCH bodies are partial. A
 *       property that Jackson leaves out when null says so with {@link #OMITTED_IF_NULL} (the
 *       extension is consumed here).
 * </ul>
 */
public final class OpenApiSchemas {
  /** Property extension: the server omits the property when it has no value. */
  public static final String OMITTED_IF_NULL = "x-mailplane-omitted-if-null";

  /** Media type extension: the schema of each SSE event's data. */
  static final String EVENT_DATA = "x-mailplane-event-data";

  private static final String EVENT_STREAM = "text/event-stream";
  static final String REF_PREFIX = "#/components/schemas/";
  private static final String INSTANT = "Instant";

  private OpenApiSchemas() {}

  static void normalize(OpenAPI openAPI) {
    if (openAPI.getComponents() == null || openAPI.getComponents().getSchemas() == null) {
      return;
    }
    Map<String, Schema> components = openAPI.getComponents().getSchemas();
    Set<String> requestSchemas = requestSchemas(openAPI, components);
    components.forEach((name, schema) -> markRequired(schema, !requestSchemas.contains(name)));
    Schema instant = components.get(INSTANT);
    Object instantExample = instant == null ? null : instant.getExample();
    forEachSchema(
        openAPI,
        schema -> {
          inlineInstant(schema, instantExample);
          nullableReference(schema, components);
          nullableEnum(schema);
        });
    openAPI.getComponents().removeSchema(INSTANT);
    forEachOperation(openAPI, OpenApiSchemas::boundLimit);
    forEachOperation(openAPI, OpenApiSchemas::eventStream);
  }

  /** Every list's page size has the bounds {@link PageRequest} enforces. */
  private static void boundLimit(Operation operation) {
    if (operation.getParameters() == null) {
      return;
    }
    operation.getParameters().stream()
        .filter(p -> "limit".equals(p.getName()) && p.getSchema() != null)
        .forEach(
            p ->
                p.getSchema()
                    .minimum(java.math.BigDecimal.ONE)
                    .maximum(java.math.BigDecimal.valueOf(PageRequest.MAX_LIMIT))
                    .defaultValue(PageRequest.DEFAULT_LIMIT));
  }

  /**
   * A text/event-stream body is a stream of SSE events, not one JSON document: described as text so
   * that generated clients do not wait for the end of the stream to parse it as JSON. The schema of
   * each event's data stays named in {@link #EVENT_DATA}.
   */
  private static void eventStream(Operation operation) {
    if (operation.getResponses() == null || operation.getResponses().getAPIResponses() == null) {
      return;
    }
    for (var response : operation.getResponses().getAPIResponses().values()) {
      if (response.getContent() == null) {
        continue;
      }
      var media = response.getContent().getMediaType(EVENT_STREAM);
      if (media == null || media.getSchema() == null || media.getSchema().getRef() == null) {
        continue;
      }
      String data = media.getSchema().getRef();
      String name = data.substring(data.lastIndexOf('/') + 1);
      media.setSchema(
          org.eclipse.microprofile.openapi.OASFactory.createSchema()
              .type(List.of(SchemaType.STRING))
              .description(
                  "Server-Sent Events (text/event-stream, UTF-8), one event per committed change:"
                      + " `id:` the revision, `event:` the resource type, `data:` one line of"
                      + " JSON, a "
                      + name
                      + ". Lines starting with `:` are keep-alive comments. Read it as a stream"
                      + " (EventSource or an SSE parser); it ends after"
                      + " mailplane.events.max-stream-duration, resume with Last-Event-ID."));
      media.addExtension(EVENT_DATA, java.util.Map.of("$ref", data));
      media.setExample(
          "id: 42\nevent: mailbox\ndata: {\"revision\":42,\"resource\":\"mailbox\","
              + "\"key\":\"john@example.com\",\"action\":\"update\","
              + "\"domain\":\"example.com\",\"occurredAt\":\"2022-03-10T16:15:50Z\"}\n\n");
    }
  }

  private static void markRequired(Schema schema, boolean responseOnly) {
    if (schema.getProperties() == null) {
      return;
    }
    schema
        .getProperties()
        .forEach(
            (name, property) -> {
              boolean omitted = property.hasExtension(OMITTED_IF_NULL);
              if (omitted) {
                property.removeExtension(OMITTED_IF_NULL);
              }
              if (omitted || Boolean.TRUE.equals(property.getWriteOnly())) {
                return;
              }
              boolean present = schema.getRequired() != null && schema.getRequired().contains(name);
              if (!present && (responseOnly || Boolean.TRUE.equals(property.getReadOnly()))) {
                schema.addRequired(name);
              }
            });
  }

  /**
   * A date-time, however the scanner wrapped the {@code Instant} reference ({@code $ref}, {@code
   * allOf: [$ref]}, or {@code anyOf: [$ref, null]} when nullable), becomes the plain string type.
   */
  private static void inlineInstant(Schema schema, Object example) {
    String ref = reference(schema);
    if (!(REF_PREFIX + INSTANT).equals(ref)) {
      return;
    }
    boolean nullable = nullable(schema);
    schema.setRef(null);
    schema.setAllOf(null);
    schema.setAnyOf(null);
    schema.setType(
        nullable ? List.of(SchemaType.STRING, SchemaType.NULL) : List.of(SchemaType.STRING));
    schema.setFormat("date-time");
    if (schema.getExample() == null) {
      schema.setExample(example);
    }
  }

  /** The target of a nullable reference is made nullable, so that the null passes through it. */
  private static void nullableReference(Schema schema, Map<String, Schema> components) {
    String ref = reference(schema);
    if (ref == null || !nullable(schema) || !ref.startsWith(REF_PREFIX)) {
      return;
    }
    Schema target = components.get(ref.substring(REF_PREFIX.length()));
    if (target != null && target.getType() != null && !nullable(target)) {
      List<SchemaType> type = new ArrayList<>(target.getType());
      type.add(SchemaType.NULL);
      target.setType(type);
    }
  }

  private static void nullableEnum(Schema schema) {
    if (nullable(schema)
        && schema.getEnumeration() != null
        && schema.getEnumeration().stream().noneMatch(java.util.Objects::isNull)) {
      List<Object> values = new ArrayList<>(schema.getEnumeration());
      values.add(null);
      schema.setEnumeration(values);
    }
  }

  /** The component a property refers to: directly, through allOf, or through anyOf with null. */
  private static String reference(Schema schema) {
    if (schema.getRef() != null) {
      return schema.getRef();
    }
    if (schema.getAllOf() != null && schema.getAllOf().size() == 1) {
      return schema.getAllOf().get(0).getRef();
    }
    if (schema.getAnyOf() != null && schema.getAnyOf().size() == 2) {
      Schema first = schema.getAnyOf().get(0);
      Schema second = schema.getAnyOf().get(1);
      if (first.getRef() != null && onlyNull(second)) {
        return first.getRef();
      }
      if (second.getRef() != null && onlyNull(first)) {
        return second.getRef();
      }
    }
    return null;
  }

  private static boolean onlyNull(Schema schema) {
    return schema.getType() != null && schema.getType().equals(List.of(SchemaType.NULL));
  }

  private static boolean nullable(Schema schema) {
    if (schema.getType() != null && schema.getType().contains(SchemaType.NULL)) {
      return true;
    }
    return schema.getAnyOf() != null
        && schema.getAnyOf().stream().anyMatch(OpenApiSchemas::onlyNull);
  }

  /** Names of the component schemas some request body reaches. */
  private static Set<String> requestSchemas(OpenAPI openAPI, Map<String, Schema> components) {
    Set<String> names = new HashSet<>();
    Deque<Schema> pending = new ArrayDeque<>();
    forEachOperation(
        openAPI,
        operation -> {
          if (operation.getRequestBody() != null) {
            mediaSchemas(operation.getRequestBody().getContent(), pending::add);
          }
        });
    Set<Schema> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    while (!pending.isEmpty()) {
      Schema schema = pending.pop();
      if (!seen.add(schema)) {
        continue;
      }
      if (schema.getRef() != null && schema.getRef().startsWith(REF_PREFIX)) {
        String name = schema.getRef().substring(REF_PREFIX.length());
        if (names.add(name) && components.containsKey(name)) {
          pending.push(components.get(name));
        }
      }
      children(schema, pending::push);
    }
    return names;
  }

  /** Every schema of the document: components, parameters, request and response bodies. */
  private static void forEachSchema(OpenAPI openAPI, Consumer<Schema> action) {
    Deque<Schema> pending = new ArrayDeque<>(openAPI.getComponents().getSchemas().values());
    forEachOperation(
        openAPI,
        operation -> {
          if (operation.getParameters() != null) {
            operation.getParameters().stream()
                .filter(p -> p.getSchema() != null)
                .forEach(p -> pending.add(p.getSchema()));
          }
          if (operation.getRequestBody() != null) {
            mediaSchemas(operation.getRequestBody().getContent(), pending::add);
          }
          if (operation.getResponses() != null
              && operation.getResponses().getAPIResponses() != null) {
            operation
                .getResponses()
                .getAPIResponses()
                .values()
                .forEach(response -> mediaSchemas(response.getContent(), pending::add));
          }
        });
    Set<Schema> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    while (!pending.isEmpty()) {
      Schema schema = pending.pop();
      if (seen.add(schema)) {
        action.accept(schema);
        children(schema, pending::push);
      }
    }
  }

  private static void children(Schema schema, Consumer<Schema> sink) {
    if (schema.getProperties() != null) {
      schema.getProperties().values().forEach(sink);
    }
    if (schema.getItems() != null) {
      sink.accept(schema.getItems());
    }
    if (schema.getAdditionalPropertiesSchema() != null) {
      sink.accept(schema.getAdditionalPropertiesSchema());
    }
    listOf(schema.getAllOf()).forEach(sink);
    listOf(schema.getAnyOf()).forEach(sink);
    listOf(schema.getOneOf()).forEach(sink);
  }

  private static List<Schema> listOf(List<Schema> list) {
    return list == null ? List.of() : list;
  }

  private static void mediaSchemas(Content content, Consumer<Schema> sink) {
    if (content == null || content.getMediaTypes() == null) {
      return;
    }
    content.getMediaTypes().values().stream()
        .filter(media -> media.getSchema() != null)
        .forEach(media -> sink.accept(media.getSchema()));
  }

  private static void forEachOperation(OpenAPI openAPI, Consumer<Operation> action) {
    if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
      return;
    }
    openAPI
        .getPaths()
        .getPathItems()
        .values()
        .forEach(item -> item.getOperations().values().forEach(action));
  }
}
