package io.mailplane.api;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The current time at the precision the database keeps (DATETIME(6): microseconds). A write
 * response built from the entity must equal the next read of it; Instant.now() has nanoseconds on
 * Linux, which the column drops, so a stored response changed on its first refresh.
 */
public final class Timestamps {
  private Timestamps() {}

  public static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }
}
