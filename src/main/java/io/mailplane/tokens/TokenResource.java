package io.mailplane.tokens;

import io.mailplane.api.PageRequest;
import io.mailplane.api.Responses;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/tokens")
@Tag(name = "tokens", description = "API tokens and their scopes")
@SecurityRequirement(name = "bearer")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TokenResource {
  @Inject TokenService service;

  @POST
  @Operation(
      operationId = "createToken",
      summary = "Create a token (admin); its secret is in this response only")
  @APIResponse(
      responseCode = "201",
      description = "Created; `token` holds the secret",
      content = @Content(schema = @Schema(implementation = TokenDto.class)))
  public Response create(@NotNull @Valid TokenDto request) {
    TokenDto created = service.create(request);
    return Responses.located(Response.Status.CREATED, URI.create("/api/v1/tokens/" + created.id()))
        .entity(created)
        .build();
  }

  @GET
  @Operation(operationId = "listTokens", summary = "List tokens (admin or read)")
  @APIResponse(
      responseCode = "200",
      description = "One page of tokens",
      content = @Content(schema = @Schema(implementation = TokenPage.class)))
  public Response list(
      @Parameter(description = "Page size, 1 to 1000") @QueryParam("limit") Integer limit,
      @Parameter(description = "Cursor from the previous page's `next`") @QueryParam("after")
          String after,
      @Context UriInfo uriInfo) {
    return Responses.page(service.list(PageRequest.of(limit, after)), uriInfo);
  }

  @GET
  @Path("/{id}")
  @Operation(operationId = "getToken", summary = "Read a token's metadata (admin or read)")
  @APIResponse(
      responseCode = "200",
      description = "The token, without its secret",
      content = @Content(schema = @Schema(implementation = TokenDto.class)))
  public TokenDto get(
      @Parameter(
              description = "Token id",
              example = "12",
              schema = @Schema(type = SchemaType.INTEGER, format = "int64"))
          @PathParam("id")
          String id) {
    return service.get(id);
  }

  @DELETE
  @Path("/{id}")
  @Operation(operationId = "revokeToken", summary = "Revoke a token (admin)")
  @APIResponse(responseCode = "204", description = "Revoked")
  public void revoke(
      @Parameter(
              description = "Token id",
              example = "12",
              schema = @Schema(type = SchemaType.INTEGER, format = "int64"))
          @PathParam("id")
          String id) {
    service.revoke(id);
  }

  @Schema(name = "TokenPage")
  public record TokenPage(
      java.util.List<TokenDto> items,
      @Schema(
              nullable = true,
              description = "Cursor for the next page (`after`); null on the last page",
              example = "eyJrIjoiZXhhbXBsZS5jb20ifQ")
          String next) {}
}
