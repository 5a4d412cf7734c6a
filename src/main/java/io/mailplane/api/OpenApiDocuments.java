package io.mailplane.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import io.quarkus.smallrye.openapi.runtime.OpenApiConstants;
import io.quarkus.smallrye.openapi.runtime.OpenApiDocumentService;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.smallrye.openapi.runtime.io.Format;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Serves the contract (/q/openapi, .json, .yaml, .yml), built on the first request rather than at
 * start. Quarkus would filter the document and write both forms before the HTTP server listens (a
 * third of the main thread's start-up work besides Hibernate, docs/benchmarks.md); with
 * quarkus.smallrye-openapi.always-run-filter it keeps only the parsed model and builds a document
 * per call, so this class asks it once and keeps the bytes.
 *
 * <p>The YAML form quotes every string a YAML 1.1 parser would read as something else. SmallRye
 * writes strings unquoted unless YAML 1.2 would misread them, so {@code example:
 * 2022-03-10T16:15:50Z} loaded as a date in PyYAML, SnakeYAML and Terraform's YAML decoding. It is
 * SmallRye's own JSON form (exact types) written with SmallRye's YAML settings plus that one
 * quoting rule.
 */
@ApplicationScoped
public class OpenApiDocuments {
  private static final String YAML_TYPE = Format.YAML.getMimeType() + ";charset=UTF-8";
  private static final String JSON_TYPE = Format.JSON.getMimeType() + ";charset=UTF-8";

  /** The implicit types of YAML 1.1 (SnakeYAML's resolver: timestamps, sexagesimals, ...). */
  private static final Resolver YAML_1_1 = new Resolver();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
              .enable(YAMLGenerator.Feature.ALLOW_LONG_KEYS)
              .stringQuotingChecker(new Yaml11Strings())
              .build());

  @Inject OpenApiDocumentService documents;

  @ConfigProperty(name = "quarkus.http.non-application-root-path", defaultValue = "q")
  String nonApplicationRoot;

  @ConfigProperty(name = "quarkus.smallrye-openapi.path", defaultValue = "openapi")
  String openApiPath;

  private volatile byte[] json;
  private volatile byte[] yaml;

  void install(@Observes Router router) {
    String path =
        openApiPath.startsWith("/")
            ? openApiPath
            : "/" + nonApplicationRoot.replaceAll("^/+|/+$", "") + "/" + openApiPath;
    // Routes added without an order (Quarkus' OpenAPI handler among them) are numbered from 0 as
    // they are added; this one goes before them and after HttpLimits.
    for (String variant : List.of(path, path + ".json", path + ".yaml", path + ".yml")) {
      router
          .route(variant)
          .method(HttpMethod.GET)
          .method(HttpMethod.HEAD)
          .order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT + 1)
          .handler(this::serve);
    }
  }

  private void serve(RoutingContext context) {
    // The first call builds the document (about a second of CPU): not on the event loop.
    context
        .vertx()
        .executeBlocking(() -> wantsYaml(context) ? yaml() : json(), false)
        .onComplete(
            built -> {
              if (built.failed()) {
                context.fail(built.cause());
                return;
              }
              context
                  .response()
                  .putHeader(HttpHeaders.CONTENT_TYPE, wantsYaml(context) ? YAML_TYPE : JSON_TYPE)
                  .end(io.vertx.core.buffer.Buffer.buffer(built.result()));
            });
  }

  /** The negotiation of Quarkus' OpenAPI handler: YAML unless JSON is asked for. */
  private static boolean wantsYaml(RoutingContext context) {
    String path = context.normalizedPath();
    if (path.endsWith(".yaml") || path.endsWith(".yml")) {
      return true;
    }
    if (path.endsWith(".json")) {
      return false;
    }
    String accept = context.request().getHeader(HttpHeaders.ACCEPT);
    List<String> format = context.queryParam("format");
    boolean json =
        (accept != null && accept.contains(Format.JSON.getMimeType()))
            || (!format.isEmpty() && "JSON".equalsIgnoreCase(format.get(0)));
    return !json;
  }

  /**
   * Synchronized: Quarkus builds a document per call from its one model, and the filters must not
   * run on it twice at once.
   */
  private synchronized byte[] json() {
    if (json == null) {
      json = documents.getDocument(OpenApiConstants.DEFAULT_DOCUMENT_NAME, Format.JSON);
    }
    return json;
  }

  private byte[] yaml() {
    byte[] document = yaml;
    if (document == null) {
      try {
        document = YAML.writeValueAsBytes(JSON.readTree(json()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      yaml = document;
    }
    return document;
  }

  /** Also quotes what YAML 1.1 would read as a timestamp, a sexagesimal number or a merge key. */
  static final class Yaml11Strings extends StringQuotingChecker.Default {
    @Override
    public boolean needToQuoteValue(String value) {
      return super.needToQuoteValue(value)
          || !Tag.STR.equals(YAML_1_1.resolve(NodeId.scalar, value, true));
    }
  }
}
