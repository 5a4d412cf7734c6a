package io.mailplane.fetchmail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A run deferred by its domain's bound backs off: it asks again later the longer it has waited,
 * never sooner than half the minimum nor later than the maximum, whatever the jitter.
 */
class DomainRetryDelayTest {
  private static Duration delay(long waitedMillis, double random) {
    return FetchmailRunner.domainRetryDelay(Duration.ofMillis(waitedMillis), random);
  }

  @Test
  void theDelayGrowsWithTheTimeAlreadyWaited() {
    Duration first = delay(0, 0.5);
    Duration later = delay(20_000, 0.5);
    Duration muchLater = delay(120_000, 0.5);
    assertEquals(FetchmailRunner.MIN_DOMAIN_RETRY, first);
    assertEquals(Duration.ofSeconds(10), later);
    assertTrue(muchLater.compareTo(later) > 0, muchLater + " after " + later);
  }

  @Test
  void theDelayIsBoundedWhateverTheJitter() {
    for (long waited : new long[] {-5_000, 0, 1_000, 60_000, 3_600_000, Long.MAX_VALUE / 4}) {
      for (double random : new double[] {0, 0.25, 0.999_999}) {
        Duration d = delay(waited, random);
        assertTrue(
            d.compareTo(FetchmailRunner.MIN_DOMAIN_RETRY.dividedBy(2)) >= 0, waited + ": " + d);
        assertTrue(d.compareTo(FetchmailRunner.MAX_DOMAIN_RETRY) <= 0, waited + ": " + d);
      }
    }
    assertEquals(FetchmailRunner.MAX_DOMAIN_RETRY, delay(3_600_000, 0.999_999));
  }

  @Test
  void runsDeferredTogetherAreSpreadByTheJitter() {
    assertTrue(delay(10_000, 0).compareTo(delay(10_000, 0.99)) < 0);
  }
}
