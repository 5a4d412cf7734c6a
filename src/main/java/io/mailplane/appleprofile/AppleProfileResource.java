package io.mailplane.appleprofile;

import io.mailplane.api.Problem;
import io.mailplane.auth.SelfService;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/mailboxes/{address}/apple-profile")
@Tag(name = "mailboxes")
@SecurityRequirement(name = "bearer")
public class AppleProfileResource {
  @Inject AppleProfiles profiles;

  @GET
  @SelfService
  @Produces(AppleProfiles.MEDIA_TYPE)
  @Operation(
      operationId = "getMailboxAppleProfile",
      summary =
          "Apple configuration profile (.mobileconfig) for the mailbox, signed with the mail"
              + " host's certificate")
  @APIResponse(
      responseCode = "200",
      description = "The CMS-signed profile (DER), IMAP and submission of the mail host",
      headers =
          @Header(
              name = "Content-Disposition",
              description = "`attachment; filename=\"<local>_at_<domain>.mobileconfig\"`",
              required = true,
              schema = @Schema(type = SchemaType.STRING)),
      content =
          @Content(
              mediaType = AppleProfiles.MEDIA_TYPE,
              schema = @Schema(type = SchemaType.STRING, format = "binary")))
  @APIResponse(
      responseCode = "409",
      description =
          "No certificate to sign with: none on the TLS volume, only the self-signed bootstrap"
              + " one, or an expired one (type urn:mailplane:problem:no-signing-certificate)",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  public Response get(
      @Parameter(description = "Mailbox address", example = "john@example.com")
          @PathParam("address")
          String address) {
    AppleProfiles.SignedProfile profile = profiles.profile(address);
    return Response.ok(profile.der(), AppleProfiles.MEDIA_TYPE)
        .header("Content-Disposition", "attachment; filename=\"" + profile.fileName() + "\"")
        .build();
  }
}
