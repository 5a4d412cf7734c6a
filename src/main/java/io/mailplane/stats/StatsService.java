package io.mailplane.stats;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailplane.api.ApiException;
import io.mailplane.api.Timestamps;
import io.mailplane.auth.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Function;

/** Reads stored samples into the stats answers; never calls a daemon. */
@ApplicationScoped
public class StatsService {
  /** Custom ranges are cut into about this many steps (at least one minute each). */
  private static final int POINTS = 288;

  private static final Duration MAX_SPAN = Duration.ofDays(3660);
  private static final String ACTION = "action:";
  private static final String METRIC = "metric:";

  @Inject Caller caller;
  @Inject SampleStore store;
  @Inject StatsSampler sampler;

  /** The range a request asks for: a named one ending now, or from/to. */
  record Window(Instant from, Instant to, Duration step) {}

  static Window window(String range, String from, String to, Instant now) {
    boolean custom = present(from) || present(to);
    if (present(range) && custom) {
      throw ApiException.invalid("range", "give either range or from/to, not both");
    }
    if (!custom) {
      String name = present(range) ? range : "day";
      return switch (name) {
        case "day" -> named(now, Duration.ofDays(1), Duration.ofMinutes(5));
        case "week" -> named(now, Duration.ofDays(7), Duration.ofHours(1));
        case "month" -> named(now, Duration.ofDays(30), Duration.ofHours(6));
        case "year" -> named(now, Duration.ofDays(365), Duration.ofDays(1));
        default -> throw ApiException.invalid("range", "must be day, week, month or year");
      };
    }
    Instant end = present(to) ? instant("to", to) : now;
    Instant start = present(from) ? instant("from", from) : end.minus(Duration.ofDays(1));
    if (!start.isBefore(end)) {
      throw ApiException.invalid("from", "must be before to");
    }
    Duration span = Duration.between(start, end);
    if (span.compareTo(MAX_SPAN) > 0) {
      throw ApiException.invalid("from", "the range may span at most 3660 days");
    }
    long minutes = Math.max(1, (span.toMinutes() + POINTS - 1) / POINTS);
    return new Window(start, end, Duration.ofMinutes(minutes));
  }

  private static Window named(Instant now, Duration span, Duration step) {
    return new Window(now.minus(span), now, step);
  }

  private static boolean present(String value) {
    return value != null && !value.isEmpty();
  }

  private static Instant instant(String field, String value) {
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw ApiException.invalid(field, "must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
    }
  }

  public StatsDto.Rspamd rspamd(String range, String from, String to) throws SQLException {
    caller.requireReadAll();
    Window window = window(range, from, to, Timestamps.now());
    List<Series.Step> steps =
        steps(
            "rspamd",
            window,
            StatsService::rspamdCounters,
            (before, after) ->
                after.data().path("uptime").asLong() < before.data().path("uptime").asLong());
    Map<String, Long> totals = Series.totals(steps);
    List<StatsDto.RspamdPoint> series = new ArrayList<>();
    for (Series.Step step : steps) {
      series.add(
          new StatsDto.RspamdPoint(
              step.start(),
              step.end(),
              step.get("scanned"),
              step.get("spam"),
              step.get("ham"),
              step.perMinute("scanned"),
              prefixed(step.deltas(), ACTION, StatsDto.ActionCount::new)));
    }
    return new StatsDto.Rspamd(
        health("rspamd"),
        range(window),
        store.latestOk("rspamd").map(StatsService::rspamdCurrent).orElse(null),
        new StatsDto.RspamdTotals(
            totals.getOrDefault("scanned", 0L),
            totals.getOrDefault("spam", 0L),
            totals.getOrDefault("ham", 0L),
            prefixed(totals, ACTION, StatsDto.ActionCount::new)),
        series);
  }

  public StatsDto.Dovecot dovecot(String range, String from, String to) throws SQLException {
    caller.requireReadAll();
    Window window = window(range, from, to, Timestamps.now());
    List<Series.Step> steps =
        steps("dovecot", window, StatsService::dovecotCounters, (before, after) -> false);
    Map<String, Long> totals = Series.totals(steps);
    List<StatsDto.DovecotPoint> series = new ArrayList<>();
    for (Series.Step step : steps) {
      series.add(
          new StatsDto.DovecotPoint(
              step.start(),
              step.end(),
              step.get(METRIC + "auth_successes"),
              step.get(METRIC + "auth_failures"),
              step.get(METRIC + "mail_deliveries"),
              step.perMinute(METRIC + "auth_successes"),
              step.perMinute(METRIC + "auth_failures"),
              step.perMinute(METRIC + "mail_deliveries"),
              prefixed(step.deltas(), METRIC, StatsDto.MetricCount::new)));
    }
    return new StatsDto.Dovecot(
        health("dovecot"),
        range(window),
        store.latestOk("dovecot").map(StatsService::dovecotCurrent).orElse(null),
        new StatsDto.DovecotTotals(
            totals.getOrDefault(METRIC + "auth_successes", 0L),
            totals.getOrDefault(METRIC + "auth_failures", 0L),
            totals.getOrDefault(METRIC + "mail_deliveries", 0L),
            prefixed(totals, METRIC, StatsDto.MetricCount::new)),
        series);
  }

  private List<Series.Step> steps(
      String source,
      Window window,
      Function<Sample, Map<String, Long>> counters,
      BiPredicate<Sample, Sample> restarted)
      throws SQLException {
    Sample base = store.lastOkBefore(source, window.from()).orElse(null);
    List<Sample> samples = store.okBetween(source, window.from(), window.to());
    return Series.steps(
        base, samples, window.from(), window.to(), window.step(), counters, restarted);
  }

  private static StatsDto.Range range(Window window) {
    return new StatsDto.Range(window.from(), window.to(), window.step().toSeconds());
  }

  private StatsDto.Health health(String name) throws SQLException {
    boolean configured = sampler.source(name).map(StatsSource::configured).orElse(false);
    Optional<Sample> last = store.latest(name);
    if (last.isEmpty()) {
      return new StatsDto.Health(
          configured ? "pending" : "unconfigured", null, null, null, null, null);
    }
    Sample sample = last.get();
    String state =
        !configured
            ? "unconfigured"
            : sample.ok() ? "ok" : sample.reachable() ? "error" : "unreachable";
    return new StatsDto.Health(
        state,
        sample.reachable(),
        sample.at(),
        sample.latencyMs(),
        sample.error(),
        sample.ok() ? sample.at() : store.lastSuccessAt(name));
  }

  static Map<String, Long> rspamdCounters(Sample sample) {
    Map<String, Long> counters = new LinkedHashMap<>();
    for (String field : List.of("scanned", "spam", "ham", "learned")) {
      counters.put(field, sample.data().path(field).asLong());
    }
    forEachCount(sample.data().path("actions"), (k, v) -> counters.put(ACTION + k, v));
    return counters;
  }

  static Map<String, Long> dovecotCounters(Sample sample) {
    Map<String, Long> counters = new LinkedHashMap<>();
    forEachCount(sample.data().path("metrics"), (k, v) -> counters.put(METRIC + k, v));
    return counters;
  }

  private static void forEachCount(JsonNode object, BiConsumer<String, Long> to) {
    Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      to.accept(field.getKey(), field.getValue().asLong());
    }
  }

  private static <T> List<T> prefixed(
      Map<String, Long> counters, String prefix, BiFunction<String, Long, T> make) {
    List<T> list = new ArrayList<>();
    counters.forEach(
        (key, value) -> {
          if (key.startsWith(prefix)) {
            list.add(make.apply(key.substring(prefix.length()), value));
          }
        });
    return list;
  }

  private static StatsDto.RspamdCurrent rspamdCurrent(Sample sample) {
    JsonNode data = sample.data();
    List<StatsDto.ActionThreshold> thresholds = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> scores = data.path("thresholds").fields();
    while (scores.hasNext()) {
      Map.Entry<String, JsonNode> score = scores.next();
      thresholds.add(
          new StatsDto.ActionThreshold(
              score.getKey(), score.getValue().isNumber() ? score.getValue().asDouble() : null));
    }
    List<StatsDto.Symbol> symbols = new ArrayList<>();
    for (JsonNode symbol : data.path("symbols")) {
      symbols.add(
          new StatsDto.Symbol(
              symbol.path("symbol").asText(),
              symbol.path("hits").asLong(),
              symbol.path("weight").asDouble(),
              symbol.path("frequency").asDouble()));
    }
    Map<String, Long> counters = rspamdCounters(sample);
    return new StatsDto.RspamdCurrent(
        sample.at(),
        data.path("version").isTextual() ? data.path("version").asText() : null,
        data.path("uptime").asLong(),
        counters.get("scanned"),
        counters.get("spam"),
        counters.get("ham"),
        counters.get("learned"),
        data.path("connections").asLong(),
        prefixed(counters, ACTION, StatsDto.ActionCount::new),
        thresholds,
        symbols);
  }

  private static StatsDto.DovecotCurrent dovecotCurrent(Sample sample) {
    JsonNode metrics = sample.data().path("metrics");
    return new StatsDto.DovecotCurrent(
        sample.at(),
        count(metrics, "auth_successes"),
        count(metrics, "auth_failures"),
        count(metrics, "mail_deliveries"),
        prefixed(dovecotCounters(sample), METRIC, StatsDto.MetricCount::new));
  }

  private static Long count(JsonNode metrics, String name) {
    JsonNode value = metrics.get(name);
    return value == null || !value.isNumber() ? null : value.asLong();
  }
}
