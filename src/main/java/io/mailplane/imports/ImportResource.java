package io.mailplane.imports;

import io.mailplane.api.PageRequest;
import io.mailplane.api.Responses;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/imports")
@Tag(
    name = "imports",
    description =
        "Taking over a seed installation (jeboehm/mailserver-admin's database); admin only")
@SecurityRequirement(name = "bearer")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ImportResource {
  @Inject ImportService service;

  @POST
  @Operation(
      operationId = "startImport",
      summary = "Plan (dry run, the default) or run an import from the seed's database")
  @APIResponse(
      responseCode = "202",
      description = "Started; poll the Location",
      content = @Content(schema = @Schema(implementation = ImportJobDto.class)))
  public Response start(@NotNull @Valid ImportRequest request) {
    ImportJobDto job = service.start(request);
    return Response.accepted(job).location(URI.create("/api/v1/imports/" + job.id())).build();
  }

  @GET
  @Path("/{id}")
  @Operation(operationId = "getImport", summary = "Read an import job: state and counts")
  @APIResponse(
      responseCode = "200",
      description = "The job",
      content = @Content(schema = @Schema(implementation = ImportJobDto.class)))
  public ImportJobDto get(
      @Parameter(description = "Import id", example = "3") @PathParam("id") long id) {
    return service.get(id);
  }

  @GET
  @Path("/{id}/items")
  @Operation(
      operationId = "listImportItems",
      summary = "The plan or outcome of an import, object by object")
  @APIResponse(
      responseCode = "200",
      description = "One page of items",
      content = @Content(schema = @Schema(implementation = ImportItemPage.class)))
  public Response items(
      @Parameter(description = "Import id", example = "3") @PathParam("id") long id,
      @Parameter(description = "Page size, 1 to 1000 (default 50)") @QueryParam("limit")
          Integer limit,
      @Parameter(description = "Cursor from the previous page's `next`") @QueryParam("after")
          String after,
      @Parameter(description = "Only this kind", example = "mailbox") @QueryParam("kind")
          String kind,
      @Parameter(description = "Only this outcome", example = "failed") @QueryParam("outcome")
          String outcome,
      @Context UriInfo uriInfo) {
    return Responses.page(service.items(id, PageRequest.of(limit, after), kind, outcome), uriInfo);
  }

  @Schema(name = "ImportItemPage")
  public record ImportItemPage(
      List<ImportItemDto> items,
      @Schema(
              nullable = true,
              description = "Cursor for the next page (`after`); null on the last page",
              example = "eyJrIjoiMTcifQ")
          String next) {}
}
