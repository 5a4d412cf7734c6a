package io.mailplane.push;

import io.mailplane.api.Responses;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.sql.SQLException;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/push")
@Tag(name = "push", description = "Delivery of changes to Rspamd, Dovecot and Postfix")
@SecurityRequirement(name = "bearer")
@Produces(MediaType.APPLICATION_JSON)
public class PushResource {
  @Inject PushService service;

  @GET
  @Path("/targets")
  @Operation(
      operationId = "listPushTargets",
      summary = "Delivery state of every configured push target (admin or read)")
  @APIResponse(
      responseCode = "200",
      description = "The targets, by name",
      content = @Content(schema = @Schema(implementation = PushTargetList.class)))
  public PushTargetList targets() throws SQLException {
    return new PushTargetList(service.list());
  }

  @POST
  @Path("/reconcile")
  @Operation(
      operationId = "reconcilePush",
      summary = "Rewrite every target's full state soon, e.g. after Redis lost its data (admin)")
  @APIResponse(
      responseCode = "202",
      description = "Accepted; GET /api/v1/push/targets shows lastReconcileAt once done")
  public Response reconcile() throws SQLException {
    service.requestReconcile();
    return Responses.located(Response.Status.ACCEPTED, URI.create("/api/v1/push/targets")).build();
  }

  @Schema(name = "PushTargetList")
  public record PushTargetList(List<PushTargetDto> items) {}
}
