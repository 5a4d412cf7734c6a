package io.mailplane.stats;

import jakarta.inject.Inject;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/stats")
@Tag(
    name = "stats",
    description =
        "Statistics of the mail stack (Rspamd, Dovecot), sampled in the background and kept with"
            + " history")
@SecurityRequirement(name = "bearer")
@Produces(MediaType.APPLICATION_JSON)
public class StatsResource {
  @Inject StatsService service;

  /** The range both endpoints take. */
  public static class RangeQuery {
    @Parameter(description = "day, week, month or year, ending now (default day); not with from/to")
    @QueryParam("range")
    @Schema(
        type = SchemaType.STRING,
        enumeration = {"day", "week", "month", "year"})
    String range;

    @Parameter(description = "ISO-8601 instant; default: a day before `to`")
    @QueryParam("from")
    @Schema(format = "date-time")
    String from;

    @Parameter(description = "ISO-8601 instant; default: now")
    @QueryParam("to")
    @Schema(format = "date-time")
    String to;
  }

  @GET
  @Path("/rspamd")
  @Operation(
      operationId = "getRspamdStats",
      summary =
          "Rspamd controller health, scanned/spam/ham counts, throughput, actions, thresholds and"
              + " top symbols over a range (admin or read)")
  @APIResponse(
      responseCode = "200",
      description = "From stored samples; health says when and how the last sample went",
      content = @Content(schema = @Schema(implementation = StatsDto.Rspamd.class)))
  public StatsDto.Rspamd rspamd(@BeanParam RangeQuery query) throws SQLException {
    return service.rspamd(query.range, query.from, query.to);
  }

  @GET
  @Path("/dovecot")
  @Operation(
      operationId = "getDovecotStats",
      summary =
          "Dovecot authentication successes and failures, deliveries and every metric of"
              + " `doveadm stats dump`, with rates over a range (admin or read)")
  @APIResponse(
      responseCode = "200",
      description = "From stored samples; health says when and how the last sample went",
      content = @Content(schema = @Schema(implementation = StatsDto.Dovecot.class)))
  public StatsDto.Dovecot dovecot(@BeanParam RangeQuery query) throws SQLException {
    return service.dovecot(query.range, query.from, query.to);
  }
}
