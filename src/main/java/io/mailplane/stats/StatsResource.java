package io.mailplane.stats;

import jakarta.inject.Inject;
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
  private static final String RANGE =
      "day, week, month or year, ending now (default day); not with from/to";
  private static final String FROM = "ISO-8601 instant; default: a day before `to`";
  private static final String TO = "ISO-8601 instant; default: now";

  @Inject StatsService service;

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
  public StatsDto.Rspamd rspamd(
      @Parameter(description = RANGE)
          @QueryParam("range")
          @Schema(
              type = SchemaType.STRING,
              enumeration = {"day", "week", "month", "year"})
          String range,
      @Parameter(description = FROM) @QueryParam("from") @Schema(format = "date-time") String from,
      @Parameter(description = TO) @QueryParam("to") @Schema(format = "date-time") String to)
      throws SQLException {
    return service.rspamd(range, from, to);
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
  public StatsDto.Dovecot dovecot(
      @Parameter(description = RANGE)
          @QueryParam("range")
          @Schema(
              type = SchemaType.STRING,
              enumeration = {"day", "week", "month", "year"})
          String range,
      @Parameter(description = FROM) @QueryParam("from") @Schema(format = "date-time") String from,
      @Parameter(description = TO) @QueryParam("to") @Schema(format = "date-time") String to)
      throws SQLException {
    return service.dovecot(range, from, to);
  }
}
