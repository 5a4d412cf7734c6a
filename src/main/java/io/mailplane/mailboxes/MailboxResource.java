package io.mailplane.mailboxes;

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

@Path("/api/v1/mailboxes")
@Tag(name = "mailboxes", description = "Mailboxes, their passwords and quotas")
@SecurityRequirement(name = "bearer")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class MailboxResource {
  @Inject MailboxService service;
  @Inject Idempotency idempotency;
  @Inject Caller caller;

  @POST
  @Operation(operationId = "createMailbox", summary = "Create a mailbox")
  @APIResponse(
      responseCode = "201",
      description = "Created",
      content = @Content(schema = @Schema(implementation = MailboxDto.class)))
  public Response create(
      @NotNull @Valid MailboxDto request,
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
          MailboxDto created = service.create(request);
          return Responses.created(
              Responses.location(MailboxResource.class, created.address()),
              created,
              created.version());
        });
  }

  @GET
  @Operation(operationId = "listMailboxes", summary = "List mailboxes, by address")
  @APIResponse(
      responseCode = "200",
      description = "One page of mailboxes",
      content = @Content(schema = @Schema(implementation = MailboxPage.class)))
  public Response list(
      @Parameter(description = "Page size, 1 to 1000 (default 50)") @QueryParam("limit")
          Integer limit,
      @Parameter(description = "Cursor from the previous page's `next`") @QueryParam("after")
          String after,
      @Parameter(description = "Only objects of this domain") @QueryParam("domain") String domain,
      @Parameter(description = "Only addresses starting with this prefix") @QueryParam("q")
          String q,
      @Parameter(description = "Only enabled (true) or disabled (false) objects")
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
  @Path("/{address}")
  @SelfService
  @Operation(operationId = "getMailbox", summary = "Read a mailbox")
  @APIResponse(
      responseCode = "200",
      description = "The mailbox",
      content = @Content(schema = @Schema(implementation = MailboxDto.class)))
  public Response get(
      @Parameter(description = "Mailbox address", example = "john@example.com")
          @PathParam("address")
          String address) {
    MailboxDto dto = service.get(address);
    return Responses.ok(dto, dto.version());
  }

  @PUT
  @Path("/{address}")
  @Operation(
      operationId = "putMailbox",
      summary = "Create or replace a mailbox; If-None-Match: * creates only")
  @APIResponse(
      responseCode = "200",
      description = "Replaced",
      content = @Content(schema = @Schema(implementation = MailboxDto.class)))
  @APIResponse(
      responseCode = "201",
      description = "Created",
      content = @Content(schema = @Schema(implementation = MailboxDto.class)))
  public Response put(
      @Parameter(description = "Mailbox address", example = "john@example.com")
          @PathParam("address")
          String address,
      @NotNull @Valid MailboxDto request,
      @BeanParam Precondition.OrCreate condition) {
    var result = service.put(address, request, condition);
    return Responses.upserted(
        result, MailboxResource.class, MailboxDto::address, MailboxDto::version);
  }

  @PATCH
  @Path("/{address}")
  @Consumes({MergePatch.MEDIA_TYPE, MediaType.APPLICATION_JSON})
  @Operation(operationId = "patchMailbox", summary = "Update a mailbox with a JSON merge patch")
  @RequestBody(content = @Content(schema = @Schema(implementation = MailboxDto.class)))
  @APIResponse(
      responseCode = "200",
      description = "Updated",
      content = @Content(schema = @Schema(implementation = MailboxDto.class)))
  public Response patch(
      @Parameter(description = "Mailbox address", example = "john@example.com")
          @PathParam("address")
          String address,
      @NotNull JsonNode patch,
      @BeanParam Precondition condition) {
    MailboxDto dto = service.patch(address, patch, condition);
    return Responses.ok(dto, dto.version());
  }

  @POST
  @Path("/{address}/password")
  @SelfService
  @Operation(
      operationId = "changeOwnMailboxPassword",
      summary = "Change a mailbox's password, proving the current one",
      description =
          "For the mailbox's owner (a signed-in mailbox with the self role may call it for its own"
              + " mailbox). The new password must follow the length policy, differ from the address"
              + " and its local part, and not be in the breached-password list. IMAP, POP3 and SMTP"
              + " stop accepting the old password once Dovecot's auth cache is flushed (the push);"
              + " `endOtherSessions` also ends the mailbox's open IMAP/POP3 sessions and its other"
              + " API sign-in sessions.")
  @APIResponse(
      responseCode = "200",
      description = "Changed",
      content = @Content(schema = @Schema(implementation = MailboxDto.class)))
  public Response changePassword(
      @Parameter(description = "Mailbox address", example = "john@example.com")
          @PathParam("address")
          String address,
      @NotNull PasswordChangeDto request) {
    MailboxDto dto = service.changeOwnPassword(address, request);
    return Responses.ok(dto, dto.version());
  }

  @DELETE
  @Path("/{address}")
  @Operation(operationId = "deleteMailbox", summary = "Delete a mailbox")
  @APIResponse(responseCode = "204", description = "Deleted")
  public void delete(
      @Parameter(description = "Mailbox address", example = "john@example.com")
          @PathParam("address")
          String address,
      @BeanParam Precondition condition) {
    service.delete(address, condition);
  }

  @Schema(name = "MailboxPage")
  public record MailboxPage(
      List<MailboxDto> items,
      @Schema(
              nullable = true,
              description = "Cursor for the next page (`after`); null on the last page",
              example = "eyJrIjoiZXhhbXBsZS5jb20ifQ")
          String next) {}
}
