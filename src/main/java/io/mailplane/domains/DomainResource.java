package io.mailplane.domains;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailplane.api.Idempotency;
import io.mailplane.api.MergePatch;
import io.mailplane.api.PageRequest;
import io.mailplane.api.Precondition;
import io.mailplane.api.QueryParams;
import io.mailplane.api.Responses;
import io.mailplane.auth.Caller;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/domains")
@Tag(name = "domains", description = "Hosted mail domains and their limits")
@SecurityRequirement(name = "bearer")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class DomainResource {
  @Inject DomainService service;
  @Inject Idempotency idempotency;
  @Inject Caller caller;

  @POST
  @Operation(operationId = "createDomain", summary = "Create a domain (admin)")
  @APIResponse(
      responseCode = "201",
      description = "Created",
      content = @Content(schema = @Schema(implementation = DomainDto.class)))
  public Response create(
      @NotNull @Valid DomainDto request,
      @Parameter(
              description = "Repeat-safe retries: the same key and body replay the first response")
          @HeaderParam("Idempotency-Key")
          String idempotencyKey,
      @Context UriInfo uriInfo) {
    return idempotency.execute(
        idempotencyKey,
        caller.id(),
        uriInfo.getPath(),
        request,
        () -> {
          DomainDto created = service.create(request);
          return Responses.created(
              Responses.location(DomainResource.class, created.name()), created, created.version());
        });
  }

  @GET
  @Operation(operationId = "listDomains", summary = "List domains, by name")
  @APIResponse(
      responseCode = "200",
      description = "One page of domains",
      content = @Content(schema = @Schema(implementation = DomainPage.class)))
  public Response list(
      @Parameter(description = "Page size, 1 to 1000 (default 50)") @QueryParam("limit")
          Integer limit,
      @Parameter(description = "Cursor from the previous page's `next`") @QueryParam("after")
          String after,
      @Parameter(description = "Only names starting with this prefix") @QueryParam("q") String q,
      @Parameter(description = "Only enabled (true) or disabled (false) domains")
          @QueryParam("enabled")
          @Schema(type = SchemaType.BOOLEAN)
          String enabled,
      @Context UriInfo uriInfo) {
    return Responses.page(
        service.list(
            PageRequest.of(limit, after), q, QueryParams.optionalBoolean(enabled, "enabled")),
        uriInfo);
  }

  @GET
  @Path("/{domain}")
  @Operation(operationId = "getDomain", summary = "Read a domain")
  @APIResponse(
      responseCode = "200",
      description = "The domain",
      content = @Content(schema = @Schema(implementation = DomainDto.class)))
  public Response get(
      @Parameter(description = "Domain name (Unicode or A-label)", example = "example.com")
          @PathParam("domain")
          String domain) {
    DomainDto dto = service.get(domain);
    return Responses.ok(dto, dto.version());
  }

  @PUT
  @Path("/{domain}")
  @Operation(
      operationId = "putDomain",
      summary = "Create or replace a domain (admin); If-None-Match: * creates only")
  @APIResponse(
      responseCode = "200",
      description = "Replaced",
      content = @Content(schema = @Schema(implementation = DomainDto.class)))
  @APIResponse(
      responseCode = "201",
      description = "Created",
      content = @Content(schema = @Schema(implementation = DomainDto.class)))
  public Response put(
      @Parameter(description = "Domain name (Unicode or A-label)", example = "example.com")
          @PathParam("domain")
          String domain,
      @NotNull @Valid DomainDto request,
      @BeanParam Precondition.OrCreate condition) {
    var result = service.put(domain, request, condition);
    return Responses.upserted(result, DomainResource.class, DomainDto::name, DomainDto::version);
  }

  @PATCH
  @Path("/{domain}")
  @Consumes({MergePatch.MEDIA_TYPE, MediaType.APPLICATION_JSON})
  @Operation(
      operationId = "patchDomain",
      summary = "Update a domain with a JSON merge patch (admin)")
  @RequestBody(content = @Content(schema = @Schema(implementation = DomainDto.class)))
  @APIResponse(
      responseCode = "200",
      description = "Updated",
      content = @Content(schema = @Schema(implementation = DomainDto.class)))
  public Response patch(
      @Parameter(description = "Domain name (Unicode or A-label)", example = "example.com")
          @PathParam("domain")
          String domain,
      @NotNull JsonNode patch,
      @BeanParam Precondition condition) {
    DomainDto dto = service.patch(domain, patch, condition);
    return Responses.ok(dto, dto.version());
  }

  @DELETE
  @Path("/{domain}")
  @Operation(
      operationId = "deleteDomain",
      summary =
          "Delete a domain (admin); 409 while it has mailboxes, aliases or alias domains unless cascade=true")
  @APIResponse(responseCode = "204", description = "Deleted")
  public void delete(
      @Parameter(description = "Domain name (Unicode or A-label)", example = "example.com")
          @PathParam("domain")
          String domain,
      @Parameter(description = "Also delete the domain's mailboxes, aliases and alias domains")
          @QueryParam("cascade")
          boolean cascade,
      @BeanParam Precondition condition) {
    service.delete(domain, cascade, condition);
  }

  @Schema(name = "DomainPage")
  public record DomainPage(
      List<DomainDto> items,
      @Schema(
              nullable = true,
              description = "Cursor for the next page (`after`); null on the last page",
              example = "eyJrIjoiZXhhbXBsZS5jb20ifQ")
          String next) {}
}
