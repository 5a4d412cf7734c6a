package io.mailplane.metrics;

import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalDouble;
import java.util.function.DoublePredicate;

/** Reads /q/metrics the way Prometheus does: one sample by its exact name and labels. */
public final class Scrape {
  private Scrape() {}

  public static String text() {
    return given().get("/q/metrics").then().statusCode(200).extract().asString();
  }

  /** The value of the sample whose name and label set start with the given text. */
  public static OptionalDouble sample(String text, String series) {
    return text.lines()
        .filter(l -> l.startsWith(series + " ") || l.startsWith(series.replace("}", ",")))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst();
  }

  /** Waits until the sample exists and satisfies the condition; fails with the last scrape. */
  public static double await(String series, DoublePredicate condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    String text = "";
    while (Instant.now().isBefore(deadline)) {
      text = text();
      OptionalDouble value = sample(text, series);
      if (value.isPresent() && condition.test(value.getAsDouble())) {
        return value.getAsDouble();
      }
      Thread.sleep(250);
    }
    throw new AssertionError(
        series
            + " did not reach the expected value; scraped: "
            + text.lines().filter(l -> l.startsWith(series.split("\\{")[0])).toList());
  }

  /** Waits until no sample of the series is exported any more. */
  public static void awaitGone(String series) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      if (sample(text(), series).isEmpty()) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(series + " is still exported");
  }
}
