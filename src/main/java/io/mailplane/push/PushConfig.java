package io.mailplane.push;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where committed changes are pushed: the mail containers that cache mailplane's state. */
@ConfigMapping(prefix = "mailplane.push")
public interface PushConfig {
  /** Off: events still accumulate in the outbox, nothing is delivered (or pruned). */
  @WithDefault("true")
  boolean enabled();

  /**
   * How often every target is polled for pending events (writes also wake the publisher). Read by
   * name in the @Scheduled(every) expression of Publisher, which cannot take a mapping method;
   * declared here so the setting is typed, checked at start and documented with the others.
   */
  @WithDefault("1s")
  Duration interval();

  /** How often each target's whole state is rewritten (repairs e.g. a flushed Redis). */
  @WithDefault("10m")
  Duration reconcileInterval();

  /** Upper bound of the exponential retry delay after consecutive failures. */
  @WithDefault("5m")
  Duration maxBackoff();

  /**
   * How long a hole in the event ids holds back the events after it: a writer that took the id may
   * not have committed yet. Older holes are taken as rolled-back inserts.
   */
  @WithDefault("5s")
  Duration gapWait();

  /**
   * Delivered events stay in the outbox at least this long before they are pruned: an operator can
   * see what was pushed recently, and tests can count what a write recorded.
   */
  @WithDefault("10m")
  Duration retention();

  /**
   * How long a publisher's claim on a target lasts unless renewed: it renews it every third of this
   * while it delivers, so this is how long a replica that died keeps its targets from the others.
   */
  @WithDefault("30s")
  Duration lease();

  /** Events delivered to a target per batch. */
  @WithDefault("200")
  int batchSize();

  /** Named targets; the name keys the delivery progress in push_target_state. */
  Map<String, Target> targets();

  interface Target {
    /** rspamd-redis, doveadm, command or fetchmailmgr. */
    String type();

    /**
     * rspamd-redis, fetchmailmgr: redis://[:password@]host:port/db; doveadm: the API base, e.g.
     * http://127.0.0.1:8091/doveadm/v1.
     */
    Optional<String> url();

    /** fetchmailmgr: the Redis key the seed's fetchmailmgr reads (default fetchmail_accounts). */
    Optional<String> key();

    /** rspamd-redis: the hash Rspamd reads (its dkim_signing key_prefix). */
    @WithDefault("dkim_keys")
    String keyPrefix();

    /**
     * rspamd-redis: the hash of each domain's signing selector (dkim_signing selector_prefix);
     * without it Rspamd uses one selector for every domain and rotation cannot work.
     */
    @WithDefault("dkim_selectors")
    String selectorPrefix();

    /** doveadm: Dovecot's doveadm_api_key. */
    Optional<String> apiKey();

    /** command: the program and its arguments, run without a shell. */
    Optional<List<String>> command();

    /** command: the event kinds (dkim, mailbox, tls) that run it. */
    @WithDefault("tls")
    List<String> kinds();

    /**
     * Deadline of each exchange with the target, covering the whole of it (connect, request,
     * response body; a Redis command; a command's run). An exchange past it counts as a failure.
     */
    @WithDefault("10s")
    Duration timeout();
  }
}
