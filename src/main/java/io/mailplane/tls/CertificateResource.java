package io.mailplane.tls;

import io.mailplane.api.PageRequest;
import io.mailplane.api.Precondition;
import io.mailplane.api.QueryParams;
import io.mailplane.api.Responses;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
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
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/certificates")
@Tag(name = "certificates", description = "TLS certificates issued and renewed over ACME")
@SecurityRequirement(name = "bearer")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class CertificateResource {
  @Inject CertificateService service;

  @GET
  @Operation(operationId = "listCertificates", summary = "List certificates, by name (admin, read)")
  @APIResponse(
      responseCode = "200",
      description = "One page of certificates",
      content = @Content(schema = @Schema(implementation = CertificatePage.class)))
  public Response list(
      @Parameter(description = "Page size, 1 to 1000 (default 50)") @QueryParam("limit")
          Integer limit,
      @Parameter(description = "Cursor from the previous page's `next`") @QueryParam("after")
          String after,
      @Context UriInfo uriInfo) {
    return Responses.page(service.list(PageRequest.of(limit, after)), uriInfo);
  }

  @GET
  @Path("/{name}")
  @Operation(operationId = "getCertificate", summary = "Read a certificate and its state")
  @APIResponse(
      responseCode = "200",
      description = "The certificate",
      content = @Content(schema = @Schema(implementation = CertificateDto.class)))
  public Response get(
      @Parameter(description = "Certificate name", example = "mail") @PathParam("name")
          String name) {
    CertificateDto dto = service.get(name);
    return Responses.ok(dto, dto.version());
  }

  @PUT
  @Path("/{name}")
  @Operation(
      operationId = "putCertificate",
      summary =
          "Create or replace a certificate (admin). Creating, or changing what the CA is asked"
              + " for (domains, challenge, key type, issuer), starts an order; the response does"
              + " not wait for it (poll status or the order)")
  @APIResponse(
      responseCode = "200",
      description = "Replaced (unchanged when the request matches)",
      content = @Content(schema = @Schema(implementation = CertificateDto.class)))
  @APIResponse(
      responseCode = "201",
      description = "Created; its first order is running",
      content = @Content(schema = @Schema(implementation = CertificateDto.class)))
  public Response put(
      @Parameter(description = "Certificate name", example = "mail") @PathParam("name") String name,
      @NotNull @Valid CertificateDto request,
      @BeanParam Precondition.OrCreate condition) {
    var result = service.put(name, request, condition);
    return Responses.upserted(
        result, CertificateResource.class, CertificateDto::name, CertificateDto::version);
  }

  @DELETE
  @Path("/{name}")
  @Operation(
      operationId = "deleteCertificate",
      summary =
          "Delete a certificate and its files (admin); the primary tls.crt/tls.key stay until"
              + " another certificate becomes primary")
  @APIResponse(responseCode = "204", description = "Deleted")
  public void delete(
      @Parameter(description = "Certificate name", example = "mail") @PathParam("name") String name,
      @BeanParam Precondition condition) {
    service.delete(name, condition);
  }

  @POST
  @Path("/{name}/renew")
  @Operation(
      operationId = "renewCertificate",
      summary = "Start a new order now (admin); when one is already running, that one is returned")
  @APIResponse(
      responseCode = "202",
      description = "The running order (Location: its URL)",
      content = @Content(schema = @Schema(implementation = CertificateOrderDto.class)))
  public Response renew(
      @Parameter(description = "Certificate name", example = "mail") @PathParam("name") String name,
      @Parameter(
              description =
                  "Make a new private key (default: a renewal keeps the installed key, so readers"
                      + " of tls.crt and tls.key never see a mismatched pair during the swap)")
          @QueryParam("rotateKey")
          @Schema(type = SchemaType.BOOLEAN)
          String rotateKey) {
    CertificateOrderDto order =
        service.renew(
            name, Boolean.TRUE.equals(QueryParams.optionalBoolean(rotateKey, "rotateKey")));
    return Responses.located(Response.Status.ACCEPTED, orderLocation(order)).entity(order).build();
  }

  @GET
  @Path("/{name}/orders")
  @Operation(
      operationId = "listCertificateOrders",
      summary = "List a certificate's orders, newest first")
  @APIResponse(
      responseCode = "200",
      description = "One page of orders",
      content = @Content(schema = @Schema(implementation = CertificateOrderPage.class)))
  public Response orders(
      @Parameter(description = "Certificate name", example = "mail") @PathParam("name") String name,
      @Parameter(description = "Page size, 1 to 1000 (default 50)") @QueryParam("limit")
          Integer limit,
      @Parameter(description = "Cursor from the previous page's `next`") @QueryParam("after")
          String after,
      @Context UriInfo uriInfo) {
    return Responses.page(service.orders(name, PageRequest.of(limit, after)), uriInfo);
  }

  @GET
  @Path("/{name}/orders/{id}")
  @Operation(
      operationId = "getCertificateOrder",
      summary = "Read an order: status, timeline, error")
  @APIResponse(
      responseCode = "200",
      description = "The order",
      content = @Content(schema = @Schema(implementation = CertificateOrderDto.class)))
  public CertificateOrderDto order(
      @Parameter(description = "Certificate name", example = "mail") @PathParam("name") String name,
      @Parameter(description = "Order id", example = "12") @PathParam("id") long id) {
    return service.order(name, id);
  }

  private static URI orderLocation(CertificateOrderDto order) {
    return URI.create("/api/v1/certificates/" + order.certificate() + "/orders/" + order.id());
  }

  @Schema(name = "CertificatePage")
  public record CertificatePage(
      List<CertificateDto> items,
      @Schema(
              nullable = true,
              description = "Cursor for the next page (`after`); null on the last page",
              example = "eyJrIjoiZXhhbXBsZS5jb20ifQ")
          String next) {}

  @Schema(name = "CertificateOrderPage")
  public record CertificateOrderPage(
      List<CertificateOrderDto> items,
      @Schema(
              nullable = true,
              description = "Cursor for the next page (`after`); null on the last page",
              example = "eyJrIjoiZXhhbXBsZS5jb20ifQ")
          String next) {}
}
