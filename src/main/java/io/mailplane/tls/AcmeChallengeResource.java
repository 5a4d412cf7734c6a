package io.mailplane.tls;

import io.mailplane.api.Problem;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** RFC 8555 §8.3: unauthenticated, as the CA's validator calls it. */
@Path("/.well-known/acme-challenge")
@Tag(name = "certificates")
public class AcmeChallengeResource {
  @Inject ChallengeTokens tokens;

  @GET
  @Path("/{token}")
  @Produces(MediaType.TEXT_PLAIN)
  @Operation(
      operationId = "getAcmeChallenge",
      summary = "HTTP-01 key authorization for the CA's validator (no authentication)")
  @APIResponse(
      responseCode = "200",
      description = "The key authorization of a live order's token",
      content =
          @Content(
              mediaType = MediaType.TEXT_PLAIN,
              schema =
                  @Schema(
                      implementation = String.class,
                      example =
                          "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0.9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI")))
  @APIResponse(
      responseCode = "404",
      description = "Not a token of an order in progress",
      content =
          @Content(
              mediaType = MediaType.TEXT_PLAIN,
              schema = @Schema(implementation = String.class)))
  @APIResponse(
      responseCode = "406",
      description = "The Accept header does not allow text/plain",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  public Response get(
      @Parameter(
              description = "The challenge token",
              example = "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0")
          @PathParam("token")
          String token) {
    return tokens
        .keyAuthorization(token)
        .map(value -> Response.ok(value, MediaType.TEXT_PLAIN_TYPE).build())
        .orElseGet(
            () ->
                Response.status(Response.Status.NOT_FOUND)
                    .type(MediaType.TEXT_PLAIN_TYPE)
                    .entity("not found\n")
                    .build());
  }
}
