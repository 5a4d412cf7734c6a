package io.mailplane.dns;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/domains/{domain}/dns")
@Tag(name = "dns", description = "DNS records a domain needs, and live checks of them")
@SecurityRequirement(name = "bearer")
@Produces(MediaType.APPLICATION_JSON)
public class DnsResource {
  @Inject DnsService service;

  @GET
  @Operation(
      operationId = "getDomainDns",
      summary =
          "List the records the domain must publish (MX, SPF, DKIM, DMARC, ...);"
              + " ?check=true resolves each live")
  @APIResponse(
      responseCode = "200",
      description = "Expected records, with check results when asked",
      content = @Content(schema = @Schema(implementation = DnsReportDto.class)))
  public DnsReportDto get(
      @Parameter(description = "Domain name (Unicode or A-label)", example = "example.com")
          @PathParam("domain")
          String domain,
      @Parameter(description = "Resolve every record live and compare")
          @QueryParam("check")
          @Schema(type = SchemaType.BOOLEAN)
          String check) {
    return service.report(
        domain, Boolean.TRUE.equals(io.mailplane.api.QueryParams.optionalBoolean(check, "check")));
  }
}
