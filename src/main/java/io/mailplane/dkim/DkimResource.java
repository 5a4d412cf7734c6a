package io.mailplane.dkim;

import io.mailplane.api.Idempotency;
import io.mailplane.api.Precondition;
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
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/domains/{domain}/dkim")
@Tag(name = "dkim", description = "DKIM signing keys, selectors and rotation")
@SecurityRequirement(name = "bearer")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class DkimResource {
  @Inject DkimService service;
  @Inject Idempotency idempotency;
  @Inject Caller caller;

  @GET
  @Operation(
      operationId = "getDkim",
      summary = "Read a domain's DKIM signing: selectors, public keys and their DNS records")
  @APIResponse(
      responseCode = "200",
      description = "The DKIM state; 404 while DKIM is off (never enabled, or deleted)",
      content = @Content(schema = @Schema(implementation = DkimDto.class)))
  public Response get(
      @Parameter(description = "Domain name (Unicode or A-label)", example = "example.com")
          @PathParam("domain")
          String domain) {
    DkimDto dto = service.get(domain);
    return Responses.ok(dto, dto.version());
  }

  @PUT
  @Operation(
      operationId = "putDkim",
      summary = "Enable or configure DKIM signing; generates a key unless privateKey imports one")
  @APIResponse(
      responseCode = "200",
      description = "Configured (unchanged when the request matches the current key)",
      content = @Content(schema = @Schema(implementation = DkimDto.class)))
  @APIResponse(
      responseCode = "201",
      description = "Enabled",
      content = @Content(schema = @Schema(implementation = DkimDto.class)))
  public Response put(
      @Parameter(description = "Domain name (Unicode or A-label)", example = "example.com")
          @PathParam("domain")
          String domain,
      @NotNull @Valid DkimDto request,
      @BeanParam Precondition.OrCreate condition) {
    var result = service.put(domain, request, condition);
    return Responses.upserted(result, DkimResource.class, DkimDto::domain, DkimDto::version);
  }

  @DELETE
  @Operation(
      operationId = "deleteDkim",
      summary = "Disable DKIM signing: deletes every key of the domain (also from Rspamd)")
  @APIResponse(responseCode = "204", description = "Disabled")
  public void delete(
      @Parameter(description = "Domain name (Unicode or A-label)", example = "example.com")
          @PathParam("domain")
          String domain,
      @BeanParam Precondition condition) {
    service.disable(domain, condition);
  }

  @POST
  @Path("/rotate")
  @Operation(
      operationId = "rotateDkim",
      summary =
          "Rotate to a new selector: it signs from now on; the old one stays in the DNS output"
              + " for the overlap period (mailplane.dkim.retire-after), then is deleted")
  @RequestBody(
      required = false,
      content = @Content(schema = @Schema(implementation = DkimRotation.class)))
  @APIResponse(
      responseCode = "200",
      description = "Rotated",
      content = @Content(schema = @Schema(implementation = DkimDto.class)))
  public Response rotate(
      @Parameter(description = "Domain name (Unicode or A-label)", example = "example.com")
          @PathParam("domain")
          String domain,
      @Valid DkimRotation request,
      @BeanParam Precondition condition,
      @Parameter(
              description = "Repeat-safe retries: the same key and body replay the first response")
          @HeaderParam("Idempotency-Key")
          String idempotencyKey,
      @Context UriInfo uriInfo) {
    DkimRotation body = request == null ? DkimRotation.DEFAULTS : request;
    return idempotency.execute(
        idempotencyKey,
        caller.id(),
        uriInfo.getPath(),
        body,
        () -> {
          DkimDto dto = service.rotate(domain, body, condition);
          return Responses.ok(dto, dto.version());
        });
  }
}
