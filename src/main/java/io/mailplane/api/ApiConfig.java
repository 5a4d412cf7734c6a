package io.mailplane.api;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Shared HTTP conventions. */
@ConfigMapping(prefix = "mailplane.api")
public interface ApiConfig {
  /** Largest request body accepted; larger ones get 413. */
  @WithDefault("1048576")
  long maxBodyBytes();

  /**
   * Longest request URI (path and query) accepted; longer ones get 414. Must stay below
   * quarkus.http.limits.max-initial-line-length, whose own 414 has no problem body.
   */
  @WithDefault("4096")
  int maxUriLength();

  /** How long a POST with an Idempotency-Key is remembered and replayed. */
  @WithDefault("24h")
  Duration idempotencyTtl();

  /**
   * How long a key stays "in use" after its first request was last seen running. Short, so that
   * after a crash (which leaves the marker behind) a retry of the unanswered request goes through
   * soon; a request that runs longer renews it every third of this, so a repeat stays out.
   */
  @WithDefault("2m")
  Duration idempotencyInProgressTtl();

  /** Redis key prefix for idempotency records (when Redis is configured). */
  @WithDefault("mailplane:idempotency:")
  String idempotencyRedisPrefix();
}
