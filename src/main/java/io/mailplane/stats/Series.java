package io.mailplane.stats;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * Turns cumulative counters into what happened: the delta between consecutive samples, summed per
 * step. A counter that went down was reset (the daemon restarted, the metric was re-added): the new
 * value is what was counted since, so it is the delta.
 */
final class Series {
  private Series() {}

  /** The counts of one step and the sampled seconds they cover. */
  record Step(Instant start, Instant end, double seconds, Map<String, Long> deltas) {
    long get(String key) {
      return deltas.getOrDefault(key, 0L);
    }

    double perMinute(String key) {
      return seconds <= 0 ? 0 : get(key) * 60.0 / seconds;
    }
  }

  /**
   * @param base the newest sample before the range (the first delta's start), or null
   * @param samples successful samples in the range, oldest first
   * @param restarted true when the second sample comes from a restarted daemon
   */
  static List<Step> steps(
      Sample base,
      List<Sample> samples,
      Instant from,
      Instant to,
      Duration step,
      Function<Sample, Map<String, Long>> counters,
      BiPredicate<Sample, Sample> restarted) {
    TreeMap<Long, Step> steps = new TreeMap<>();
    Sample previous = base;
    Map<String, Long> before = base == null ? null : counters.apply(base);
    for (Sample sample : samples) {
      Map<String, Long> now = counters.apply(sample);
      if (previous != null && sample.at().isAfter(previous.at()) && sample.at().isAfter(from)) {
        boolean reset = restarted.test(previous, sample);
        Map<String, Long> deltas = new LinkedHashMap<>();
        for (Map.Entry<String, Long> counter : now.entrySet()) {
          Long old = before.get(counter.getKey());
          long value = counter.getValue();
          deltas.put(counter.getKey(), reset || old == null || value < old ? value : value - old);
        }
        long index = Duration.between(from, sample.at()).toMillis() / step.toMillis();
        Instant start = from.plus(step.multipliedBy(index));
        Instant end = start.plus(step).isAfter(to) ? to : start.plus(step);
        double seconds = Duration.between(previous.at(), sample.at()).toMillis() / 1000.0;
        steps.merge(index, new Step(start, end, seconds, deltas), (a, b) -> merge(a, b));
      }
      previous = sample;
      before = now;
    }
    return new ArrayList<>(steps.values());
  }

  private static Step merge(Step a, Step b) {
    Map<String, Long> sum = new LinkedHashMap<>(a.deltas());
    b.deltas().forEach((key, value) -> sum.merge(key, value, Long::sum));
    return new Step(a.start(), a.end(), a.seconds() + b.seconds(), sum);
  }

  /** The sum of every step's deltas, per counter. */
  static Map<String, Long> totals(List<Step> steps) {
    Map<String, Long> sum = new LinkedHashMap<>();
    for (Step step : steps) {
      step.deltas().forEach((key, value) -> sum.merge(key, value, Long::sum));
    }
    return sum;
  }
}
