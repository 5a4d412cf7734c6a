package io.mailplane.stats;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Sampling of the mail stack's own statistics (Rspamd controller, Dovecot's doveadm HTTP API) for
 * GET /api/v1/stats/* and /q/metrics. A source without a URL is not sampled.
 */
@ConfigMapping(prefix = "mailplane.stats")
public interface StatsConfig {
  /**
   * How often one replica samples every source (a clustered Quartz job; also the pace at which
   * every replica refreshes its /q/metrics figures from the database).
   */
  @WithDefault("60s")
  String sampleInterval();

  /**
   * The whole exchange with a source (connect, headers and body) must end within this; a source
   * that stalls is recorded as unreachable and the next sample tries again.
   */
  @WithDefault("5s")
  Duration timeout();

  /** Samples older than this are deleted. */
  @WithDefault("400d")
  Duration retention();

  /** Every sample is kept this long; older ones are thinned to one per hour. */
  @WithDefault("2d")
  Duration fullResolution();

  /** Hourly samples are kept this long; older ones are thinned to one per day. */
  @WithDefault("35d")
  Duration hourlyResolution();

  /** Rspamd symbols listed by hit count (GET /api/v1/stats/rspamd topSymbols). */
  @WithDefault("10")
  int topSymbols();

  Rspamd rspamd();

  Dovecot dovecot();

  interface Rspamd {
    /** Base URL of the Rspamd controller worker, e.g. http://filter:11334. */
    Optional<String> url();

    /**
     * The controller's password (sent as the Password header); not needed when mailplane's address
     * is in the controller's secure_ip. A secret: never logged or returned.
     */
    Optional<String> password();
  }

  interface Dovecot {
    /** The doveadm HTTP API endpoint, e.g. http://mda:8081/doveadm/v1. */
    Optional<String> url();

    /** doveadm_api_key. A secret: never logged or returned. */
    Optional<String> apiKey();

    /**
     * Adds the metrics mailplane reads (auth_successes, auth_failures, mail_deliveries) to Dovecot
     * at runtime (doveadm stats add) when its configuration does not define them, so the seed's mda
     * image works unchanged. Off: define them in dovecot.conf (docs/observability.md).
     */
    @WithDefault("true")
    boolean defineMetrics();
  }
}
