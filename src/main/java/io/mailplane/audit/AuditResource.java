package io.mailplane.audit;

import io.mailplane.api.ApiException;
import io.mailplane.api.PageRequest;
import io.mailplane.api.Responses;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/audit-events")
@Tag(name = "audit", description = "The trail of every change")
@SecurityRequirement(name = "bearer")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {
  @Inject AuditService service;

  @GET
  @Operation(
      operationId = "listAuditEvents",
      summary = "List audit events, newest first (domain tokens see their domains' events)")
  @APIResponse(
      responseCode = "200",
      description = "One page of events",
      content = @Content(schema = @Schema(implementation = AuditEventPage.class)))
  public Response list(
      @Parameter(description = "domain, alias-domain, mailbox, alias or token")
          @QueryParam("resourceType")
          String resourceType,
      @Parameter(description = "The object's key, e.g. john@example.com") @QueryParam("resourceKey")
          String resourceKey,
      @Parameter(description = "Only events of this domain") @QueryParam("domain") String domain,
      @Parameter(description = "Only events made by this token id") @QueryParam("actor")
          String actor,
      @Parameter(description = "e.g. mailbox.update") @QueryParam("action") String action,
      @Parameter(description = "ISO-8601 instant, inclusive") @QueryParam("since") String since,
      @Parameter(description = "ISO-8601 instant, exclusive") @QueryParam("until") String until,
      @Parameter(description = "Page size, 1 to 1000") @QueryParam("limit") Integer limit,
      @Parameter(description = "Cursor from the previous page's `next`") @QueryParam("after")
          String after,
      @Context UriInfo uriInfo) {
    AuditService.Filter filter =
        new AuditService.Filter(
            resourceType,
            resourceKey,
            domain == null ? null : domain.toLowerCase(java.util.Locale.ROOT),
            actor,
            action,
            instant("since", since),
            instant("until", until));
    return Responses.page(service.list(filter, PageRequest.of(limit, after)), uriInfo);
  }

  private static Instant instant(String field, String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw ApiException.invalid(field, "must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
    }
  }

  @Schema(name = "AuditEventPage")
  public record AuditEventPage(
      java.util.List<AuditEventDto> items,
      @Schema(
              nullable = true,
              description = "Cursor for the next page (`after`); null on the last page",
              example = "eyJrIjoiZXhhbXBsZS5jb20ifQ")
          String next) {}
}
