package io.mailplane.events;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The change feed, GET /api/v1/events. */
@ConfigMapping(prefix = "mailplane.events")
public interface EventsConfig {
  /** How often an open stream looks for new committed changes (one indexed query each). */
  @WithDefault("500ms")
  Duration pollInterval();

  /** Most events one poll sends; a backlog drains over several polls. */
  @WithDefault("500")
  int batchSize();

  /** A comment line is sent after this long without events, so proxies keep the stream open. */
  @WithDefault("15s")
  Duration keepAlive();

  /**
   * A stream ends after this long; the client reconnects with Last-Event-ID and loses nothing.
   * Bounds how long a revoked token keeps receiving events.
   */
  @WithDefault("10m")
  Duration maxStreamDuration();
}
