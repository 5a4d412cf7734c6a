package io.mailplane.mailboxes;

import io.mailplane.auth.SelfService;
import io.mailplane.auth.WithoutToken;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirements;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/sessions")
@Tag(
    name = "sessions",
    description = "Mailboxes sign in with their address and mail password for a short-lived token")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SessionResource {
  @Inject MailboxSignIn signIn;

  @POST
  @WithoutToken
  @SecurityRequirements
  @Operation(
      operationId = "signIn",
      summary = "Sign in with a mailbox's address and mail password",
      description =
          "Checks the password against the hash Dovecot verifies and answers a bearer token valid"
              + " for mailplane.auth.session-lifetime, with the role the mailbox's flags give: admin,"
              + " domain-admin or self. Disabled mailboxes and mailboxes of disabled domains cannot"
              + " sign in; send-only mailboxes can. A wrong password, an unknown address and a"
              + " mailbox that may not sign in get the same 401. Failures are counted per client"
              + " address and per mailbox; past either budget sign-ins get 429 with Retry-After.")
  @APIResponse(
      responseCode = "201",
      description = "Signed in",
      headers =
          @Header(
              name = "Cache-Control",
              description = "`no-store`: the answer holds a bearer token",
              required = true,
              schema = @Schema(type = SchemaType.STRING)),
      content = @Content(schema = @Schema(implementation = SessionDto.class)))
  public Response create(@NotNull SignInDto request, @Context HttpServerRequest http) {
    String client = http.remoteAddress() == null ? "unknown" : http.remoteAddress().host();
    return Response.created(URI.create("/api/v1/sessions/current"))
        .entity(signIn.signIn(request, client))
        .header("Cache-Control", "no-store")
        .build();
  }

  @GET
  @Path("/current")
  @SelfService
  @SecurityRequirement(name = "bearer")
  @Operation(
      operationId = "getCurrentSession",
      summary = "The mailbox, role and expiry of the presented sign-in session")
  @APIResponse(
      responseCode = "200",
      description = "The session",
      content = @Content(schema = @Schema(implementation = SessionDto.class)))
  public SessionDto current() {
    return signIn.current();
  }

  @DELETE
  @Path("/current")
  @SelfService
  @SecurityRequirement(name = "bearer")
  @Operation(operationId = "signOut", summary = "End the presented sign-in session")
  @APIResponse(responseCode = "204", description = "Ended")
  public void signOut() {
    signIn.signOut();
  }
}
