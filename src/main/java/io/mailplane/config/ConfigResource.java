package io.mailplane.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.mailplane.api.ApiException;
import io.mailplane.api.BodyLimit;
import io.mailplane.api.Precondition;
import io.mailplane.api.Preconditions;
import io.mailplane.api.Prefer;
import io.mailplane.api.ProblemKind;
import io.mailplane.api.QueryParams;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Declarative configuration: export the desired state, plan a document against it, apply it. The
 * action paths use a colon (`/config:plan`), AIP-136 style; JAX-RS treats it as a literal.
 */
@Path("/api/v1")
@Tag(name = "config", description = "Whole desired state: export, plan, apply (GitOps)")
@SecurityRequirement(name = "bearer")
public class ConfigResource {
  private static final String REVISION_ETAG =
      "The configuration revision, for If-Match on config:plan and config:apply";

  static final String YAML = "application/yaml";

  @Inject ConfigService service;
  @Inject ObjectMapper json;
  @Inject ConfigApiConfig config;
  @Inject ConfigJobs jobs;
  @Inject ConfigBodyLimit limits;

  private ObjectReader jsonReader;
  private ObjectReader yamlReader;

  @PostConstruct
  void init() {
    jsonReader = json.readerFor(ConfigDocument.class);
    LoaderOptions limits = new LoaderOptions();
    // Anchors and aliases could expand a small document into a huge one (billion laughs).
    limits.setMaxAliasesForCollections(20);
    limits.setNestingDepthLimit(20);
    limits.setCodePointLimit((int) Math.min(Integer.MAX_VALUE, config.maxBodyBytes()));
    yamlReader =
        new YAMLMapper(YAMLFactory.builder().loaderOptions(limits).build())
            .reader()
            .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  }

  @GET
  @Path("/config")
  @Produces({MediaType.APPLICATION_JSON, YAML})
  @Operation(
      operationId = "exportConfig",
      summary =
          "Export the desired state in the caller's scope (JSON, or YAML with Accept:"
              + " application/yaml); secrets omitted, password hashes only of mailboxes the caller"
              + " may change; ETag = revision")
  @APIResponse(
      responseCode = "200",
      description =
          "The document, streamed as it is read from one snapshot of the database. A failure"
              + " before the first byte is a problem, as anywhere; once the document has started,"
              + " a failure cuts the response: the connection is closed before the end of the"
              + " chunked body, so a client sees a broken transfer, never a shorter document.",
      headers =
          @Header(
              name = "ETag",
              description = REVISION_ETAG,
              schema = @Schema(type = SchemaType.STRING)),
      content = {
        @Content(
            mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ConfigDocument.class)),
        @Content(mediaType = YAML, schema = @Schema(implementation = ConfigDocument.class))
      })
  public Response export(@Context HttpHeaders headers) {
    boolean yaml = prefersYaml(headers);
    return Response.ok(new ConfigExportWriter.Body(yaml), yaml ? YAML : MediaType.APPLICATION_JSON)
        .build();
  }

  @POST
  @Path("/config:plan")
  @Consumes({MediaType.APPLICATION_JSON, YAML})
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(
      operationId = "planConfig",
      summary = "Compute the changes a document would make, changing nothing")
  @RequestBody(
      content = {
        @Content(
            mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ConfigDocument.class)),
        @Content(mediaType = YAML, schema = @Schema(implementation = ConfigDocument.class))
      })
  @APIResponse(
      responseCode = "200",
      description = "The plan",
      headers =
          @Header(
              name = "ETag",
              description = REVISION_ETAG,
              schema = @Schema(type = SchemaType.STRING)),
      content = @Content(schema = @Schema(implementation = ConfigPlan.class)))
  public Response plan(
      byte[] body,
      @Context HttpHeaders headers,
      @Parameter(description = "Delete objects of a present section that the document omits")
          @QueryParam("prune")
          @Schema(type = SchemaType.BOOLEAN, defaultValue = "true")
          String prune,
      @BeanParam Precondition condition)
      throws IOException {
    ConfigPlan plan = service.run(parse(body, headers), prune(prune), true, condition).result();
    return Response.ok(plan).tag(Preconditions.etag(plan.revision())).build();
  }

  @POST
  @Path("/config:apply")
  @Consumes({MediaType.APPLICATION_JSON, YAML})
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(
      operationId = "applyConfig",
      summary =
          "Apply a document in one transaction (all or nothing), guarded by If-Match on the"
              + " revision; with Prefer: respond-async, as a job (any size up to"
              + " mailplane.config.job-max-body-bytes): validated whole first, then applied in"
              + " chunks of one transaction each")
  @RequestBody(
      content = {
        @Content(
            mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ConfigDocument.class)),
        @Content(mediaType = YAML, schema = @Schema(implementation = ConfigDocument.class))
      })
  @APIResponse(
      responseCode = "200",
      description = "The changes made, and the new revision",
      headers =
          @Header(
              name = "ETag",
              description = REVISION_ETAG,
              schema = @Schema(type = SchemaType.STRING)),
      content = @Content(schema = @Schema(implementation = ConfigPlan.class)))
  @APIResponse(
      responseCode = "202",
      description =
          "Prefer: respond-async: the job is queued; poll its Location. If-Match was checked"
              + " against the revision before it was queued",
      headers = {
        @Header(
            name = "Location",
            description = "The job's status resource",
            schema = @Schema(type = SchemaType.STRING)),
        @Header(
            name = "Preference-Applied",
            description = "respond-async",
            schema = @Schema(type = SchemaType.STRING))
      },
      content = @Content(schema = @Schema(implementation = ConfigJobDto.class)))
  public Response apply(
      InputStream body,
      @Context HttpHeaders headers,
      @Parameter(description = "Delete objects of a present section that the document omits")
          @QueryParam("prune")
          @Schema(type = SchemaType.BOOLEAN, defaultValue = "true")
          String prune,
      @Parameter(
              description =
                  "respond-async: run the apply as a job and answer 202 at once (RFC 7240);"
                      + " other preferences are ignored")
          @HeaderParam(Prefer.HEADER)
          String prefer,
      @BeanParam Precondition condition)
      throws IOException {
    boolean prunes = prune(prune);
    if (Prefer.respondAsync(headers.getRequestHeader(Prefer.HEADER))) {
      SpooledDocument document = SpooledDocument.spool(body, isYaml(headers), limits.limit(true));
      try {
        if (condition.isConditional()) {
          condition.check(service.revision());
        }
        ConfigJobDto job = jobs.submit(document, prunes);
        return Response.accepted(job)
            .location(URI.create(ConfigJobs.PATH + job.id()))
            .header("Preference-Applied", Prefer.RESPOND_ASYNC)
            .build();
      } catch (RuntimeException e) {
        document.close();
        throw e;
      }
    }
    byte[] bytes = read(body, limits.limit(false));
    ConfigPlan plan = service.run(parse(bytes, headers), prunes, false, condition).result();
    return Response.ok(plan).tag(Preconditions.etag(plan.revision())).build();
  }

  @GET
  @Path("/config/jobs/{jobId}")
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(
      operationId = "getConfigJob",
      summary =
          "Read a config:apply job (Prefer: respond-async): state, progress, changes and, if it"
              + " failed, the problem and how far it got")
  @APIResponse(
      responseCode = "200",
      description = "The job",
      content = @Content(schema = @Schema(implementation = ConfigJobDto.class)))
  public ConfigJobDto job(
      @Parameter(description = "Job id, from the Location of config:apply") @PathParam("jobId")
          String jobId) {
    return jobs.get(jobId);
  }

  /** The synchronous body, read up to its limit (a chunked body has no length to check first). */
  private static byte[] read(InputStream body, BodyLimit limit) throws IOException {
    byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit.bytes() + 1));
    if (bytes.length > limit.bytes()) {
      throw new ApiException(ProblemKind.PAYLOAD_TOO_LARGE, limit.refusal());
    }
    return bytes;
  }

  private static boolean prune(String value) {
    Boolean prune = QueryParams.optionalBoolean(value, "prune");
    return prune == null || prune;
  }

  /**
   * JSON is bound straight to the document (the application's mapper: strict types, no unknown
   * fields, no duplicate keys, nothing after it), without a tree in between: a tree of a document
   * at the body limit would take several times its size in heap. A failure names the entry by index
   * (mailboxes[19998].quotaMb).
   */
  private ConfigDocument parse(byte[] body, HttpHeaders headers) throws IOException {
    if (blank(body)) {
      throw new ApiException(ProblemKind.MALFORMED_REQUEST, "send a configuration document");
    }
    if (!isYaml(headers)) {
      ConfigDocument document = jsonReader.readValue(body);
      if (document == null) {
        throw notAnObject();
      }
      return document;
    }
    JsonNode tree = yamlReader.readTree(body);
    if (tree == null || !tree.isObject()) {
      throw notAnObject();
    }
    // The application's mapper: unknown fields and wrong types are errors, never ignored.
    return json.treeToValue(tree, ConfigDocument.class);
  }

  private static ApiException notAnObject() {
    return new ApiException(
        ProblemKind.MALFORMED_REQUEST, "the document must be an object of sections");
  }

  private static boolean blank(byte[] body) {
    if (body != null) {
      for (byte b : body) {
        if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean prefersYaml(HttpHeaders headers) {
    for (MediaType type : headers.getAcceptableMediaTypes()) {
      if (isYaml(type)) {
        return true;
      }
      if (type.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
        return false;
      }
    }
    return false;
  }

  private static boolean isYaml(HttpHeaders headers) {
    MediaType type = headers.getMediaType();
    return type != null && isYaml(type);
  }

  private static boolean isYaml(MediaType type) {
    return !type.isWildcardSubtype()
        && (type.getSubtype().equals("yaml") || type.getSubtype().equals("x-yaml"));
  }
}
