package io.mailplane.fetchmail;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailplane.api.Idempotency;
import io.mailplane.api.MergePatch;
import io.mailplane.api.PageRequest;
import io.mailplane.api.Precondition;
import io.mailplane.api.QueryParams;
import io.mailplane.api.Responses;
import io.mailplane.auth.Caller;
import io.mailplane.auth.SelfService;
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
import java.net.URI;
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

@Path("/api/v1/fetchmail-accounts")
@SelfService
@Tag(
    name = "fetchmail",
    description = "Remote POP3/IMAP accounts fetched into local mailboxes, and their runs")
@SecurityRequirement(name = "bearer")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class FetchmailResource {
  @Inject FetchmailService service;
  @Inject FetchmailRuns accountRuns;
  @Inject Idempotency idempotency;
  @Inject Caller caller;

  @POST
  @Operation(operationId = "createFetchmailAccount", summary = "Create a fetchmail account")
  @APIResponse(
      responseCode = "201",
      description = "Created",
      content = @Content(schema = @Schema(implementation = FetchmailAccountDto.class)))
  public Response create(
      @NotNull @Valid FetchmailAccountDto request,
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
          FetchmailAccountDto created = service.create(request);
          return Responses.created(
              Responses.location(FetchmailResource.class, created.id()),
              created,
              created.version());
        });
  }

  @GET
  @Operation(operationId = "listFetchmailAccounts", summary = "List fetchmail accounts, by id")
  @APIResponse(
      responseCode = "200",
      description = "One page of accounts",
      content = @Content(schema = @Schema(implementation = FetchmailAccountPage.class)))
  public Response list(
      @Parameter(description = "Page size, 1 to 1000 (default 50)") @QueryParam("limit")
          Integer limit,
      @Parameter(description = "Cursor from the previous page's `next`") @QueryParam("after")
          String after,
      @Parameter(description = "Only accounts delivering to this mailbox") @QueryParam("mailbox")
          String mailbox,
      @Parameter(description = "Only accounts of mailboxes of this domain") @QueryParam("domain")
          String domain,
      @Parameter(description = "Only enabled (true) or disabled (false) accounts")
          @QueryParam("enabled")
          @Schema(type = SchemaType.BOOLEAN)
          String enabled,
      @Context UriInfo uriInfo) {
    return Responses.page(
        service.list(
            PageRequest.of(limit, after),
            mailbox,
            domain,
            QueryParams.optionalBoolean(enabled, "enabled")),
        uriInfo);
  }

  @GET
  @Path("/{id}")
  @Operation(operationId = "getFetchmailAccount", summary = "Read a fetchmail account")
  @APIResponse(
      responseCode = "200",
      description = "The account",
      content = @Content(schema = @Schema(implementation = FetchmailAccountDto.class)))
  public Response get(
      @Parameter(
              description = "Account id",
              example = "7",
              schema = @Schema(type = SchemaType.INTEGER, format = "int64"))
          @PathParam("id")
          String id) {
    FetchmailAccountDto dto = service.get(idOf(id));
    return Responses.ok(dto, dto.version());
  }

  @PUT
  @Path("/{id}")
  @Operation(
      operationId = "putFetchmailAccount",
      summary = "Replace a fetchmail account (ids are server-generated: create with POST)")
  @APIResponse(
      responseCode = "200",
      description = "Replaced",
      content = @Content(schema = @Schema(implementation = FetchmailAccountDto.class)))
  public Response put(
      @Parameter(
              description = "Account id",
              example = "7",
              schema = @Schema(type = SchemaType.INTEGER, format = "int64"))
          @PathParam("id")
          String id,
      @NotNull @Valid FetchmailAccountDto request,
      @BeanParam Precondition condition) {
    FetchmailAccountDto dto = service.put(idOf(id), request, condition);
    return Responses.ok(dto, dto.version());
  }

  @PATCH
  @Path("/{id}")
  @Consumes({MergePatch.MEDIA_TYPE, MediaType.APPLICATION_JSON})
  @Operation(
      operationId = "patchFetchmailAccount",
      summary = "Update a fetchmail account with a JSON merge patch")
  @RequestBody(content = @Content(schema = @Schema(implementation = FetchmailAccountDto.class)))
  @APIResponse(
      responseCode = "200",
      description = "Updated",
      content = @Content(schema = @Schema(implementation = FetchmailAccountDto.class)))
  public Response patch(
      @Parameter(
              description = "Account id",
              example = "7",
              schema = @Schema(type = SchemaType.INTEGER, format = "int64"))
          @PathParam("id")
          String id,
      @NotNull JsonNode patch,
      @BeanParam Precondition condition) {
    FetchmailAccountDto dto = service.patch(idOf(id), patch, condition);
    return Responses.ok(dto, dto.version());
  }

  @DELETE
  @Path("/{id}")
  @Operation(operationId = "deleteFetchmailAccount", summary = "Delete a fetchmail account")
  @APIResponse(responseCode = "204", description = "Deleted")
  public void delete(
      @Parameter(
              description = "Account id",
              example = "7",
              schema = @Schema(type = SchemaType.INTEGER, format = "int64"))
          @PathParam("id")
          String id,
      @BeanParam Precondition condition) {
    service.delete(idOf(id), condition);
  }

  @GET
  @Path("/{id}/runs")
  @Operation(operationId = "listFetchmailRuns", summary = "Run history of an account, newest first")
  @APIResponse(
      responseCode = "200",
      description = "One page of runs",
      content = @Content(schema = @Schema(implementation = FetchmailRunPage.class)))
  public Response runs(
      @Parameter(
              description = "Account id",
              example = "7",
              schema = @Schema(type = SchemaType.INTEGER, format = "int64"))
          @PathParam("id")
          String id,
      @Parameter(description = "Page size, 1 to 1000 (default 50)") @QueryParam("limit")
          Integer limit,
      @Parameter(description = "Cursor from the previous page's `next`") @QueryParam("after")
          String after,
      @Context UriInfo uriInfo) {
    return Responses.page(accountRuns.of(idOf(id), PageRequest.of(limit, after)), uriInfo);
  }

  @POST
  @Path("/{id}/runs")
  @Operation(
      operationId = "startFetchmailRun",
      summary = "Run the account now; 409 while one of its runs is queued or running")
  @APIResponse(
      responseCode = "202",
      description = "Queued; poll the Location until status is finished",
      content = @Content(schema = @Schema(implementation = FetchmailRunDto.class)))
  public Response runNow(
      @Parameter(
              description = "Account id",
              example = "7",
              schema = @Schema(type = SchemaType.INTEGER, format = "int64"))
          @PathParam("id")
          String id) {
    FetchmailRunDto run = accountRuns.runNow(idOf(id));
    return Responses.located(Response.Status.ACCEPTED, runLocation(run.account(), run.id()))
        .entity(run)
        .build();
  }

  @GET
  @Path("/{id}/runs/{runId}")
  @Operation(operationId = "getFetchmailRun", summary = "Read one run")
  @APIResponse(
      responseCode = "200",
      description = "The run",
      content = @Content(schema = @Schema(implementation = FetchmailRunDto.class)))
  public FetchmailRunDto run(
      @Parameter(
              description = "Account id",
              example = "7",
              schema = @Schema(type = SchemaType.INTEGER, format = "int64"))
          @PathParam("id")
          String id,
      @Parameter(
              description = "Run id",
              example = "42",
              schema = @Schema(type = SchemaType.INTEGER, format = "int64"))
          @PathParam("runId")
          String runId) {
    return accountRuns.get(idOf(id), idOf(runId));
  }

  /** A non-numeric id names nothing: 404, as for any other missing key. */
  private static long idOf(String raw) {
    if (raw == null || !raw.matches("[0-9]{1,18}")) {
      throw io.mailplane.api.ApiException.notFound("fetchmail account", String.valueOf(raw));
    }
    return Long.parseLong(raw);
  }

  private static URI runLocation(long id, long runId) {
    return URI.create("/api/v1/fetchmail-accounts/" + id + "/runs/" + runId);
  }

  @Schema(name = "FetchmailAccountPage")
  public record FetchmailAccountPage(
      List<FetchmailAccountDto> items,
      @Schema(
              nullable = true,
              description = "Cursor for the next page (`after`); null on the last page",
              example = "eyJrIjoiNDIifQ")
          String next) {}

  @Schema(name = "FetchmailRunPage")
  public record FetchmailRunPage(
      List<FetchmailRunDto> items,
      @Schema(
              nullable = true,
              description = "Cursor for the next page (`after`); null on the last page",
              example = "eyJrIjoiNDIifQ")
          String next) {}
}
