package io.mailplane.stats;

import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The JSON of GET /api/v1/stats/rspamd and /api/v1/stats/dovecot. */
public final class StatsDto {
  private StatsDto() {}

  @Schema(
      name = "StatsSourceHealth",
      description =
          "The source as the last sample found it. Samples are taken by a background job; the"
              + " endpoints never call the daemon themselves.")
  public record Health(
      @Schema(
              description =
                  "ok: the last sample succeeded; unreachable: no answer (refused, timed out);"
                      + " error: it answered, but not usably (HTTP error, not its JSON, rejected"
                      + " credentials); unconfigured: no URL set on this replica; pending: not"
                      + " sampled yet",
              enumeration = {"ok", "unreachable", "error", "unconfigured", "pending"},
              example = "ok")
          String state,
      @Schema(
              nullable = true,
              description = "Whether the last sample got an answer; null before the first sample",
              example = "true")
          Boolean reachable,
      @Schema(nullable = true, description = "When the last sample was taken") Instant checkedAt,
      @Schema(
              nullable = true,
              description =
                  "Milliseconds the last sample took; null when the source did not answer",
              example = "12")
          Integer latencyMs,
      @Schema(
              nullable = true,
              description = "Why the last sample failed; null when it succeeded",
              example = "rspamd /stat unreachable: Connection refused")
          String lastError,
      @Schema(nullable = true, description = "When a sample last succeeded")
          Instant lastSuccessAt) {}

  @Schema(name = "StatsRange", description = "The time range the series and totals cover")
  public record Range(
      Instant from,
      Instant to,
      @Schema(description = "Width of one series point in seconds", example = "300")
          long stepSeconds) {}

  @Schema(name = "RspamdActionCount", description = "Messages that got one action")
  public record ActionCount(
      @Schema(example = "no action") String action, @Schema(example = "42") long count) {}

  @Schema(name = "RspamdActionThreshold", description = "Score from which an action is taken")
  public record ActionThreshold(
      @Schema(example = "reject") String action,
      @Schema(nullable = true, description = "Null: the action is disabled", example = "15.0")
          Double score) {}

  @Schema(name = "RspamdSymbol", description = "A rule's hits since Rspamd started")
  public record Symbol(
      @Schema(example = "R_SPF_ALLOW") String symbol,
      @Schema(example = "17") long hits,
      @Schema(example = "-0.2") double weight,
      @Schema(description = "Share of scanned messages that hit the symbol", example = "0.5")
          double frequency) {}

  @Schema(name = "RspamdCurrent", description = "The newest successful sample")
  public record RspamdCurrent(
      Instant sampledAt,
      @Schema(nullable = true, description = "Rspamd's version", example = "3.4")
          String rspamdVersion,
      @Schema(example = "86400") long uptimeSeconds,
      @Schema(description = "Messages scanned since Rspamd started", example = "1200") long scanned,
      @Schema(example = "40") long spam,
      @Schema(example = "1160") long ham,
      @Schema(example = "0") long learned,
      @Schema(example = "1300") long connections,
      List<ActionCount> actions,
      List<ActionThreshold> thresholds,
      @Schema(description = "Symbols with the most hits, most first") List<Symbol> topSymbols) {}

  @Schema(name = "RspamdTotals", description = "What happened in the range (sum of the series)")
  public record RspamdTotals(
      @Schema(example = "120") long scanned,
      @Schema(example = "4") long spam,
      @Schema(example = "116") long ham,
      List<ActionCount> actions) {}

  @Schema(name = "RspamdPoint", description = "Counts between consecutive samples in one step")
  public record RspamdPoint(
      Instant start,
      Instant end,
      @Schema(example = "12") long scanned,
      @Schema(example = "1") long spam,
      @Schema(example = "11") long ham,
      @Schema(description = "Throughput over the sampled time in the step", example = "0.8")
          double scannedPerMinute,
      List<ActionCount> actions) {}

  @Schema(name = "RspamdStats", description = "Rspamd: health, figures and their history")
  public record Rspamd(
      Health health,
      Range range,
      @Schema(nullable = true, description = "Null until a sample succeeded") RspamdCurrent current,
      RspamdTotals totals,
      @Schema(description = "Oldest first; steps without two samples are left out")
          List<RspamdPoint> series) {}

  @Schema(name = "DovecotMetricCount", description = "Events one Dovecot metric counted")
  public record MetricCount(
      @Schema(example = "imap_command") String name, @Schema(example = "42") long count) {}

  @Schema(
      name = "DovecotCurrent",
      description =
          "The newest successful sample: Dovecot's counters since it started (or since the"
              + " metric was added)")
  public record DovecotCurrent(
      Instant sampledAt,
      @Schema(
              nullable = true,
              description = "Null: Dovecot has no auth_successes metric",
              example = "120")
          Long authSuccesses,
      @Schema(
              nullable = true,
              description = "Null: Dovecot has no auth_failures metric",
              example = "3")
          Long authFailures,
      @Schema(
              nullable = true,
              description = "Null: Dovecot has no mail_deliveries metric",
              example = "95")
          Long deliveries,
      @Schema(
              description =
                  "Every metric Dovecot defines, e.g. index operations when it defines idx_*"
                      + " metrics")
          List<MetricCount> metrics) {}

  @Schema(name = "DovecotTotals", description = "What happened in the range (sum of the series)")
  public record DovecotTotals(
      @Schema(example = "30") long authSuccesses,
      @Schema(example = "2") long authFailures,
      @Schema(example = "25") long deliveries,
      List<MetricCount> metrics) {}

  @Schema(name = "DovecotPoint", description = "Counts between consecutive samples in one step")
  public record DovecotPoint(
      Instant start,
      Instant end,
      @Schema(example = "3") long authSuccesses,
      @Schema(example = "0") long authFailures,
      @Schema(example = "2") long deliveries,
      @Schema(example = "0.3") double authSuccessesPerMinute,
      @Schema(example = "0.0") double authFailuresPerMinute,
      @Schema(example = "0.2") double deliveriesPerMinute,
      List<MetricCount> metrics) {}

  @Schema(name = "DovecotStats", description = "Dovecot: health, figures and their history")
  public record Dovecot(
      Health health,
      Range range,
      @Schema(nullable = true, description = "Null until a sample succeeded")
          DovecotCurrent current,
      DovecotTotals totals,
      @Schema(description = "Oldest first; steps without two samples are left out")
          List<DovecotPoint> series) {}
}
