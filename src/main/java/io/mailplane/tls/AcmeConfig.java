package io.mailplane.tls;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/** ACME issuance and renewal (certificates resource, order and renewal jobs). */
@ConfigMapping(prefix = "mailplane.acme")
public interface AcmeConfig {
  /**
   * PEM file of extra CA certificates trusted for the ACME directory's HTTPS (a private CA such as
   * step-ca or Pebble), on top of the JVM's default trust store.
   */
  Optional<String> trustStore();

  /**
   * Also serve HTTP-01 tokens on this port (a listener that answers nothing else), for port 80 when
   * the API itself listens elsewhere. Tokens are always served on the API port too.
   */
  OptionalInt challengePort();

  /** Address of the dedicated HTTP-01 listener. */
  @WithDefault("0.0.0.0")
  String challengeHost();

  /** Renew this long before expiry when the CA offers no ARI renewal window. */
  @WithDefault("30d")
  Duration renewBefore();

  /**
   * Renewal times are spread randomly over up to this much earlier, so replicas of many
   * certificates do not hit the CA in the same second.
   */
  @WithDefault("6h")
  Duration renewJitter();

  /** How often the order job looks for work (orders are also started at once after a change). */
  @WithDefault("2s")
  Duration pollInterval();

  /**
   * How often the renewal job looks for certificates due. Read by name in the @Scheduled(every)
   * expression of AcmeJobs, which cannot take a mapping method; declared here so the setting is
   * typed, checked at start and documented with the others.
   */
  @WithDefault("1m")
  Duration renewalCheckInterval();

  /**
   * Delay of the first renewal check after startup. Read by name in the @Scheduled(delayed)
   * expression of AcmeJobs, which cannot take a mapping method; declared here so the setting is
   * typed, checked at start and documented with the others.
   */
  @WithDefault("10s")
  Duration renewalDelay();

  /** How often a valid certificate's ARI window is re-read from the CA. */
  @WithDefault("6h")
  Duration ariRefresh();

  /** First wait after a failed order before the next one; doubles per failure. */
  @WithDefault("5m")
  Duration failureBackoff();

  /** Longest wait between failed orders. */
  @WithDefault("24h")
  Duration maxFailureBackoff();

  /** An order still not valid after this long fails. */
  @WithDefault("1h")
  Duration orderTimeout();

  /** Connect and read timeout of calls to the CA. */
  @WithDefault("15s")
  Duration httpTimeout();

  Dns dns();

  /** DNS-01: RFC 2136 dynamic updates, TSIG-signed, to the zone's primary server. */
  interface Dns {
    /** host or host:port of the primary that accepts updates; DNS-01 is refused while unset. */
    Optional<String> server();

    /** Zone to update; unset finds it by SOA lookup at the server. */
    Optional<String> zone();

    /** TSIG key name. */
    Optional<String> tsigKeyName();

    /** TSIG algorithm: hmac-sha256, hmac-sha512, hmac-sha1 … */
    @WithDefault("hmac-sha256")
    String tsigAlgorithm();

    /** TSIG secret, base64 (as in `tsig-keygen` output). */
    Optional<String> tsigSecret();

    @WithDefault("60")
    int ttl();

    /**
     * Resolvers (host[:port], comma-separated) that must also see the record before the CA is asked
     * to validate; the primary server is always checked.
     */
    Optional<String> checkResolvers();

    /** How long to wait for the record to become visible. */
    @WithDefault("2m")
    Duration propagationTimeout();
  }
}
