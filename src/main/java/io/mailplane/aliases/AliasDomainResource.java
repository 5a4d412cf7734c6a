package io.mailplane.aliases;

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

@Path("/api/v1/alias-domains")
@Tag(
    name = "alias-domains",
    description = "Domains that deliver to the local parts of another domain")
@SecurityRequirement(name = "bearer")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AliasDomainResource {
  @Inject AliasDomainService service;
  @Inject Idempotency idempotency;
  @Inject Caller caller;

  @POST
  @Operation(operationId = "createAliasDomain", summary = "Create an alias domain (admin)")
  @APIResponse(
      responseCode = "201",
      description = "Created",
      content = @Content(schema = @Schema(implementation = AliasDomainDto.class)))
  public Response create(
      @NotNull @Valid AliasDomainDto request,
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
          AliasDomainDto created = service.create(request);
          return Responses.created(
              Responses.location(AliasDomainResource.class, created.name()),
              created,
              created.version());
        });
  }

  @GET
  @Operation(operationId = "listAliasDomains", summary = "List alias domains, by name")
  @APIResponse(
      responseCode = "200",
      description = "One page of domains",
      content = @Content(schema = @Schema(implementation = AliasDomainPage.class)))
  public Response list(
      @Parameter(description = "Page size, 1 to 1000 (default 50)") @QueryParam("limit")
          Integer limit,
      @Parameter(description = "Cursor from the previous page's `next`") @QueryParam("after")
          String after,
      @Parameter(description = "Only alias domains of this target domain") @QueryParam("domain")
          String domain,
      @Parameter(description = "Only names starting with this prefix") @QueryParam("q") String q,
      @Parameter(description = "Only enabled (true) or disabled (false) domains")
          @QueryParam("enabled")
          @Schema(type = SchemaType.BOOLEAN)
          String enabled,
      @Context UriInfo uriInfo) {
    return Responses.page(
        service.list(
            PageRequest.of(limit, after),
            domain,
            q,
            QueryParams.optionalBoolean(enabled, "enabled")),
        uriInfo);
  }

  @GET
  @Path("/{domain}")
  @Operation(operationId = "getAliasDomain", summary = "Read an alias domain")
  @APIResponse(
      responseCode = "200",
      description = "The domain",
      content = @Content(schema = @Schema(implementation = AliasDomainDto.class)))
  public Response get(
      @Parameter(description = "Alias domain name (Unicode or A-label)", example = "example.net")
          @PathParam("domain")
          String domain) {
    AliasDomainDto dto = service.get(domain);
    return Responses.ok(dto, dto.version());
  }

  @PUT
  @Path("/{domain}")
  @Operation(
      operationId = "putAliasDomain",
      summary = "Create or replace an alias domain (admin); If-None-Match: * creates only")
  @APIResponse(
      responseCode = "200",
      description = "Replaced",
      content = @Content(schema = @Schema(implementation = AliasDomainDto.class)))
  @APIResponse(
      responseCode = "201",
      description = "Created",
      content = @Content(schema = @Schema(implementation = AliasDomainDto.class)))
  public Response put(
      @Parameter(description = "Alias domain name (Unicode or A-label)", example = "example.net")
          @PathParam("domain")
          String domain,
      @NotNull @Valid AliasDomainDto request,
      @BeanParam Precondition.OrCreate condition) {
    var result = service.put(domain, request, condition);
    return Responses.upserted(
        result, AliasDomainResource.class, AliasDomainDto::name, AliasDomainDto::version);
  }

  @PATCH
  @Path("/{domain}")
  @Consumes({MergePatch.MEDIA_TYPE, MediaType.APPLICATION_JSON})
  @Operation(
      operationId = "patchAliasDomain",
      summary = "Update an alias domain with a JSON merge patch (admin)")
  @RequestBody(content = @Content(schema = @Schema(implementation = AliasDomainDto.class)))
  @APIResponse(
      responseCode = "200",
      description = "Updated",
      content = @Content(schema = @Schema(implementation = AliasDomainDto.class)))
  public Response patch(
      @Parameter(description = "Alias domain name (Unicode or A-label)", example = "example.net")
          @PathParam("domain")
          String domain,
      @NotNull JsonNode patch,
      @BeanParam Precondition condition) {
    AliasDomainDto dto = service.patch(domain, patch, condition);
    return Responses.ok(dto, dto.version());
  }

  @DELETE
  @Path("/{domain}")
  @Operation(operationId = "deleteAliasDomain", summary = "Delete an alias domain (admin)")
  @APIResponse(responseCode = "204", description = "Deleted")
  public void delete(
      @Parameter(description = "Alias domain name (Unicode or A-label)", example = "example.net")
          @PathParam("domain")
          String domain,
      @BeanParam Precondition condition) {
    service.delete(domain, condition);
  }

  @Schema(name = "AliasDomainPage")
  public record AliasDomainPage(
      List<AliasDomainDto> items,
      @Schema(
              nullable = true,
              description = "Cursor for the next page (`after`); null on the last page",
              example = "eyJrIjoiZXhhbXBsZS5jb20ifQ")
          String next) {}
}
