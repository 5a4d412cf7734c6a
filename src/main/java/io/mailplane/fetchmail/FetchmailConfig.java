package io.mailplane.fetchmail;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Fetchmail jobs: the binary, where runs deliver, and how they are scheduled and bounded. */
@ConfigMapping(prefix = "mailplane.fetchmail")
public interface FetchmailConfig {
  /** The fetchmail executable, a path or a name looked up in /usr/bin:/bin. */
  @WithDefault("fetchmail")
  String binary();

  /**
   * Directory of the private per-run directories (0700). Default: mailplane-fetchmail under the
   * JVM's temp directory.
   */
  Optional<String> workDirectory();

  /** A run still going after this long is killed (with its whole process tree) as `timeout`. */
  @WithDefault("5m")
  Duration timeout();

  /** Fetchmail runs at once on one instance: what one replica's CPU, memory and threads carry. */
  @WithDefault("4")
  int maxConcurrentRuns();

  /**
   * Fetchmail runs at once across every instance on the database: what the MTA and the remote
   * servers carry, however many replicas run. A due run past it waits for a free slot. At least 1.
   */
  @WithDefault("16")
  int clusterMaxConcurrentRuns();

  /**
   * Fetchmail runs of one domain at once across every instance, so that one tenant (say, accounts
   * pointed at a server that accepts and never answers) cannot take every slot. Default: half of
   * the lower of max-concurrent-runs and cluster-max-concurrent-runs, at least 1.
   */
  Optional<Integer> maxConcurrentRunsPerDomain();

  /**
   * Networks (CIDRs, or single addresses) fetchmail may connect to although they are loopback,
   * private, link-local, unspecified or otherwise not public: for an installation that fetches from
   * a server on its LAN. Every other such destination is refused. Default: none.
   */
  Optional<List<String>> allowedNetworks();

  /** The smallest interval an account may ask for. */
  @WithDefault("60s")
  Duration minInterval();

  /** Each schedule starts at a random offset up to this (never more than its interval). */
  @WithDefault("60s")
  Duration jitter();

  /** Delivery: smtp (to the MTA, so mail passes the spam filter) or lmtp (straight to the MDA). */
  @WithDefault("smtp")
  String delivery();

  @WithDefault("127.0.0.1")
  String smtpHost();

  @WithDefault("2525")
  int smtpPort();

  @WithDefault("127.0.0.1")
  String lmtpHost();

  @WithDefault("2424")
  int lmtpPort();

  /**
   * PEM file of the CAs that remote servers' certificates are checked against (sslcertfile).
   * Default: the system's trust store.
   */
  Optional<String> caFile();

  /** First delay after an authentication failure; it doubles with every further one. */
  @WithDefault("5m")
  Duration authFailureBackoff();

  /** Upper bound of the authentication-failure backoff. */
  @WithDefault("6h")
  Duration maxBackoff();

  /** Consecutive authentication failures after which the account is disabled (with a reason). */
  @WithDefault("5")
  int disableAfterAuthFailures();

  /** Runs kept per account (older ones are deleted). */
  @WithDefault("100")
  int runsKept();

  /** Characters of fetchmail's output stored with a run (the tail). */
  @WithDefault("4000")
  int logTailChars();
}
