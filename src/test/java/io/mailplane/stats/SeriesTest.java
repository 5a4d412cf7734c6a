package io.mailplane.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Deltas between cumulative samples, per step, across counter resets. */
class SeriesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static Sample rspamd(int minute, long uptime, long scanned, long reject) {
    ObjectNode data = JSON.createObjectNode().put("uptime", uptime).put("scanned", scanned);
    data.put("spam", 0).put("ham", scanned);
    data.putObject("actions").put("reject", reject);
    return new Sample("rspamd", T0.plusSeconds(60L * minute), true, true, 1, null, data);
  }

  private static List<Series.Step> steps(Sample base, List<Sample> samples) {
    return Series.steps(
        base,
        samples,
        T0,
        T0.plus(Duration.ofHours(1)),
        Duration.ofMinutes(5),
        StatsService::rspamdCounters,
        (a, b) -> b.data().path("uptime").asLong() < a.data().path("uptime").asLong());
  }

  @Test
  void deltasAreSummedPerStepAndTheBaseStartsTheFirstDelta() {
    List<Series.Step> steps =
        steps(
            rspamd(-1, 100, 10, 0),
            List.of(rspamd(1, 220, 14, 1), rspamd(2, 280, 15, 1), rspamd(7, 580, 25, 3)));
    assertEquals(2, steps.size());
    assertEquals(5, steps.get(0).get("scanned"));
    assertEquals(1, steps.get(0).get("action:reject"));
    assertEquals(180.0, steps.get(0).seconds());
    assertEquals(T0, steps.get(0).start());
    assertEquals(10, steps.get(1).get("scanned"));
    assertEquals(2.0, steps.get(1).perMinute("scanned"));
    assertEquals(T0.plusSeconds(300), steps.get(1).start());
    assertEquals(15, Series.totals(steps).get("scanned"));
  }

  @Test
  void aRestartCountsWhatWasScannedSinceIt() {
    List<Series.Step> steps =
        steps(null, List.of(rspamd(1, 5000, 900, 4), rspamd(2, 30, 3, 0), rspamd(3, 90, 7, 1)));
    assertEquals(1, steps.size());
    // The restart: 3 since it (not 3 - 900); then 4 more.
    assertEquals(7, steps.get(0).get("scanned"));
    assertEquals(1, steps.get(0).get("action:reject"));
  }

  @Test
  void aCounterThatWentDownWithoutARestartSignIsAReset() {
    ObjectNode a = JSON.createObjectNode();
    a.putObject("metrics").put("auth_failures", 50);
    ObjectNode b = JSON.createObjectNode();
    b.putObject("metrics").put("auth_failures", 2).put("mail_deliveries", 4);
    List<Series.Step> steps =
        Series.steps(
            new Sample("dovecot", T0.plusSeconds(10), true, true, 1, null, a),
            List.of(new Sample("dovecot", T0.plusSeconds(70), true, true, 1, null, b)),
            T0,
            T0.plus(Duration.ofHours(1)),
            Duration.ofMinutes(5),
            StatsService::dovecotCounters,
            (x, y) -> false);
    assertEquals(2, steps.get(0).get("metric:auth_failures"));
    // A metric that appeared (added at runtime) counted from zero.
    assertEquals(4, steps.get(0).get("metric:mail_deliveries"));
  }

  @Test
  void namedRangesAndCustomRangesHaveBoundedSteps() {
    Instant now = Instant.parse("2026-06-01T12:00:00Z");
    assertEquals(Duration.ofMinutes(5), StatsService.window(null, null, null, now).step());
    assertEquals(Duration.ofDays(1), StatsService.window("year", null, null, now).step());
    StatsService.Window custom =
        StatsService.window(null, "2026-05-01T00:00:00Z", "2026-05-02T00:00:00Z", now);
    assertEquals(Duration.ofMinutes(5), custom.step());
    assertEquals(
        Duration.ofMinutes(1),
        StatsService.window(null, "2026-05-01T00:00:00Z", "2026-05-01T00:10:00Z", now).step());
  }
}
