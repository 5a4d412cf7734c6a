package io.mailplane.contract;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.interaction.response.CustomResponseValidator;
import com.atlassian.oai.validator.model.ApiOperation;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.MessageResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.report.ValidationReport.Level;
import com.atlassian.oai.validator.report.ValidationReport.Message;
import com.atlassian.oai.validator.schema.SchemaValidator;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Checks every response the tests receive against openapi/openapi.yaml with an independent
 * validator (Atlassian's swagger-request-validator): an undeclared status, a body that breaks its
 * schema, a wrong Content-Type or a header the contract does not declare fails the test that made
 * the call. Requests are not checked: hostile-input tests send invalid requests on purpose.
 *
 * <p>System property {@code mailplane.test.validate-responses}: {@code true} (default) fails the
 * test, {@code report} only appends each violation to target/contract-violations.txt, {@code false}
 * switches the check off.
 */
public final class ResponseContract {
  public static final String PROPERTY = "mailplane.test.validate-responses";
  static final Path VIOLATIONS = Path.of("target/contract-violations.txt");

  /** The media-type extension that names the schema of an event stream's data. */
  static final String EVENT_DATA = "x-mailplane-event-data";

  /**
   * Headers that belong to HTTP itself rather than to an operation's contract; every other header a
   * response carries must be declared on that response in the contract.
   */
  private static final Set<String> TRANSPORT_HEADERS =
      Set.of("content-type", "content-length", "transfer-encoding", "connection", "date");

  /**
   * Response headers whose value the validator reads; the names are compared case-insensitively.
   */
  record Observed(int status, Map<String, List<String>> headers, String body)
      implements com.atlassian.oai.validator.model.Response {
    Observed {
      Map<String, List<String>> folded = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      headers.forEach(
          (name, values) -> folded.computeIfAbsent(name, n -> new ArrayList<>()).addAll(values));
      headers = folded;
    }

    @Override
    public int getStatus() {
      return status;
    }

    @Override
    public Optional<String> getBody() {
      return Optional.ofNullable(body).filter(b -> !b.isEmpty());
    }

    @Override
    public Collection<String> getHeaderValues(String name) {
      return headers.getOrDefault(name, List.of());
    }
  }

  private static volatile OpenApiInteractionValidator validator;

  private ResponseContract() {}

  static String mode() {
    return System.getProperty(PROPERTY, "true").strip().toLowerCase(Locale.ROOT);
  }

  public static boolean enabled() {
    return !mode().equals("false");
  }

  /** Checks a java.net.http exchange whose body was read as a string. */
  public static void check(HttpRequest request, HttpResponse<String> response) {
    check(request, response, response.body(), true);
  }

  /**
   * Checks status and headers of a java.net.http exchange whose body is still streaming (Server-
   * Sent Events): the body is not read, so only its absence is not held against it.
   */
  public static void checkWithoutBody(HttpRequest request, HttpResponse<?> response) {
    check(request, response, null, false);
  }

  static void check(HttpRequest request, HttpResponse<?> response, String body, boolean bodyRead) {
    if (!enabled()) {
      return;
    }
    URI uri = request.uri();
    SimpleRequest.Builder builder =
        new SimpleRequest.Builder(request.method(), decodedPath(uri.getRawPath()));
    request.headers().map().forEach(builder::withHeader);
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        int eq = pair.indexOf('=');
        String name =
            URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value =
            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        builder.withQueryParam(name, value);
      }
    }
    check(
        builder.build(),
        new Observed(response.statusCode(), response.headers().map(), body),
        bodyRead);
  }

  /**
   * Checks the data of one Server-Sent Event received from the stream at path against the schema
   * the contract names for it ({@code x-mailplane-event-data} on the text/event-stream response).
   */
  public static void checkEvent(String path, String data) {
    if (!enabled()) {
      return;
    }
    Schema<?> schema = Events.SCHEMAS.get(path);
    List<Message> errors =
        schema == null
            ? List.of(
                Message.create(
                        "validation.event.undeclared",
                        "the contract names no data schema (" + EVENT_DATA + ") for " + path)
                    .build())
            : Events.VALIDATOR
                .validate(data, schema, "validation.event.data")
                .getMessages()
                .stream()
                .filter(m -> m.getLevel() == Level.ERROR)
                .toList();
    if (errors.isEmpty()) {
      return;
    }
    String operation = "event on " + path;
    if (mode().equals("report")) {
      record(operation, 200, errors);
      return;
    }
    StringBuilder out =
        new StringBuilder("An event does not match the contract (openapi/openapi.yaml):\n")
            .append("  stream: ")
            .append(path)
            .append('\n');
    errors.forEach(
        m ->
            out.append("  - [")
                .append(m.getKey())
                .append("] ")
                .append(m.getMessage())
                .append('\n'));
    out.append("  data: ").append(data);
    throw new AssertionError(out.toString());
  }

  /** The contract as a model for event data, loaded on the first event checked. */
  private static final class Events {
    static final OpenAPI API = load();
    static final SchemaValidator VALIDATOR = new SchemaValidator(API, new MessageResolver());

    /** Path of each event stream in the contract -> the schema of its events' data. */
    static final Map<String, Schema<?>> SCHEMAS = schemas();

    private static OpenAPI load() {
      ParseOptions options = new ParseOptions();
      options.setResolve(true); // references kept: the schema validator resolves them
      try {
        return new OpenAPIV3Parser()
            .readContents(
                Files.readString(ContractTools.SPEC, StandardCharsets.UTF_8), null, options)
            .getOpenAPI();
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + ContractTools.SPEC, e);
      }
    }

    private static Map<String, Schema<?>> schemas() {
      Map<String, Schema<?>> schemas = new TreeMap<>();
      API.getPaths()
          .forEach(
              (path, item) ->
                  item.readOperations().stream()
                      .filter(o -> o.getResponses() != null)
                      .flatMap(o -> o.getResponses().values().stream())
                      .filter(r -> r.getContent() != null)
                      .map(r -> r.getContent().get("text/event-stream"))
                      .filter(m -> m != null && m.getExtensions() != null)
                      .map(m -> m.getExtensions().get(EVENT_DATA))
                      .filter(Map.class::isInstance)
                      .map(ref -> (String) ((Map<?, ?>) ref).get("$ref"))
                      .forEach(ref -> schemas.put(path, new Schema<>().$ref(ref))));
      return schemas;
    }
  }

  /**
   * The path as the contract spells it: clients percent-encode the colon of action paths
   * (config%3Aapply), which the validator would not match to /config:apply and so skip. Only the
   * colon is decoded: the validator decodes path parameters itself, and a decoded stray '%' (a
   * hostile key such as %25) would make it throw instead of validating.
   */
  static String decodedPath(String rawPath) {
    return rawPath.replaceAll("(?i)%3A", ":");
  }

  /** Validates one exchange; fails (or records, in report mode) on any violation. */
  static void check(Request request, Observed response, boolean bodyRead) {
    if (!enabled()) {
      return;
    }
    if (mode().equals("report")) {
      List<Message> errors = violations(request, response, bodyRead);
      if (!errors.isEmpty()) {
        record(operation(request, errors), response.status(), errors);
      }
      return;
    }
    assertMatches(request, response, bodyRead);
  }

  /** Fails with an explanation when the exchange breaks the contract, whatever the mode. */
  static void assertMatches(Request request, Observed response, boolean bodyRead) {
    List<Message> errors = violations(request, response, bodyRead);
    if (!errors.isEmpty()) {
      throw new AssertionError(explain(request, response, operation(request, errors), errors));
    }
  }

  /**
   * A success on an /api path (or method) the contract has no operation for is an undeclared
   * endpoint; the validator reports it as a request problem, which the gate otherwise ignores. An
   * error answer there (a 404 for a mistyped path) is the server's and needs no operation.
   */
  private static final Set<String> NO_OPERATION =
      Set.of("validation.request.path.missing", "validation.request.operation.notAllowed");

  private static List<Message> violations(Request request, Observed response, boolean bodyRead) {
    boolean apiSuccess =
        response.status() / 100 == 2
            && (request.getPath().equals("/api") || request.getPath().startsWith("/api/"));
    return validator().validate(request, response).getMessages().stream()
        .filter(
            m -> m.getLevel() == Level.ERROR || (apiSuccess && NO_OPERATION.contains(m.getKey())))
        .filter(m -> bodyRead || !m.getKey().equals("validation.response.body.missing"))
        .toList();
  }

  private static String operation(Request request, List<Message> errors) {
    return errors.stream()
        .flatMap(m -> m.getContext().flatMap(c -> c.getApiOperation()).stream())
        .findFirst()
        .map(
            o ->
                o.getMethod()
                    + " "
                    + o.getApiPath().original()
                    + " ("
                    + o.getOperation().getOperationId()
                    + ")")
        .orElse(request.getMethod() + " " + request.getPath());
  }

  private static String explain(
      Request request, Observed response, String operation, List<Message> errors) {
    StringBuilder out =
        new StringBuilder("The response does not match the contract (openapi/openapi.yaml):\n")
            .append("  request:   ")
            .append(request.getMethod())
            .append(' ')
            .append(request.getPath())
            .append("\n  operation: ")
            .append(operation)
            .append("\n  status:    ")
            .append(response.status())
            .append('\n');
    for (Message m : errors) {
      out.append("  - [").append(m.getKey()).append("] ").append(m.getMessage()).append('\n');
      m.getAdditionalInfo().forEach(info -> out.append("      ").append(info).append('\n'));
      m.getNestedMessages().forEach(n -> out.append("      ").append(n.getMessage()).append('\n'));
    }
    out.append("  response headers: ").append(response.headers()).append('\n');
    String body = response.body() == null ? "(not read)" : response.body();
    out.append("  response body: ")
        .append(body.length() > 2000 ? body.substring(0, 2000) + "..." : body)
        .append('\n')
        .append(
            "Fix the server or its OpenAPI annotations (then refresh the snapshot); -D"
                + PROPERTY
                + "=report only records violations in "
                + VIOLATIONS
                + ".");
    return out.toString();
  }

  private static synchronized void record(String operation, int status, List<Message> errors) {
    StringBuilder lines = new StringBuilder();
    for (Message m : errors) {
      lines
          .append(operation)
          .append(" -> ")
          .append(status)
          .append(": [")
          .append(m.getKey())
          .append("] ")
          .append(m.getMessage().replace('\n', ' '));
      m.getNestedMessages()
          .forEach(n -> lines.append(" | ").append(n.getMessage().replace('\n', ' ')));
      lines.append('\n');
    }
    try {
      Files.createDirectories(VIOLATIONS.getParent());
      Files.writeString(
          VIOLATIONS,
          lines,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND,
          StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new IllegalStateException("cannot record contract violations", e);
    }
  }

  private static OpenApiInteractionValidator validator() {
    OpenApiInteractionValidator v = validator;
    if (v == null) {
      synchronized (ResponseContract.class) {
        v = validator;
        if (v == null) {
          v = build();
          validator = v;
        }
      }
    }
    return v;
  }

  private static OpenApiInteractionValidator build() {
    try {
      return OpenApiInteractionValidator.createForInlineApiSpecification(
              Files.readString(ContractTools.SPEC, StandardCharsets.UTF_8))
          // The server URL in the contract names a deployment; tests talk to the root of theirs.
          .withBasePathOverride("/")
          .withLevelResolver(
              LevelResolver.create()
                  .withLevel("validation.request", Level.IGNORE)
                  // Kept (not an error by itself): violations() fails a success without operation.
                  .withLevel("validation.request.path.missing", Level.WARN)
                  .withLevel("validation.request.operation.notAllowed", Level.WARN)
                  .withLevel("validation.response", Level.ERROR)
                  .build())
          .withCustomResponseValidation(new UndeclaredHeaders())
          .build();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + ContractTools.SPEC, e);
    }
  }

  /** Any header outside {@link #TRANSPORT_HEADERS} must be declared on the matched response. */
  static final class UndeclaredHeaders implements CustomResponseValidator {
    @Override
    public ValidationReport validate(
        com.atlassian.oai.validator.model.Response response, ApiOperation operation) {
      if (!(response instanceof Observed observed)) {
        return ValidationReport.empty();
      }
      var responses = operation.getOperation().getResponses();
      ApiResponse declared =
          responses == null
              ? null
              : Optional.ofNullable(responses.get(Integer.toString(observed.status())))
                  .orElse(responses.getDefault());
      if (declared == null) {
        return ValidationReport.empty(); // the validator itself reports the undeclared status
      }
      Set<String> names =
          declared.getHeaders() == null
              ? Set.of()
              : declared.getHeaders().keySet().stream()
                  .map(n -> n.toLowerCase(Locale.ROOT))
                  .collect(Collectors.toSet());
      List<Message> messages = new ArrayList<>();
      for (String header : observed.headers().keySet()) {
        String name = header.toLowerCase(Locale.ROOT);
        // java.net.http lists the status line as the pseudo-header ":status".
        if (!name.startsWith(":") && !TRANSPORT_HEADERS.contains(name) && !names.contains(name)) {
          messages.add(
              Message.create(
                      "validation.response.header.undeclared",
                      "Header '"
                          + header
                          + "' is sent but not declared on response "
                          + observed.status()
                          + " (declared: "
                          + names
                          + ")")
                  .build());
        }
      }
      return ValidationReport.from(messages);
    }
  }
}
