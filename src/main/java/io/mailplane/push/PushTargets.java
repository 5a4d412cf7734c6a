package io.mailplane.push;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailplane.fetchmail.FetchmailCompat;
import io.mailplane.fetchmail.FetchmailmgrTarget;
import io.quarkus.runtime.Startup;
import io.vertx.mutiny.core.Vertx;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;

/** The targets named in mailplane.push.targets, built once so bad settings fail the start. */
@Startup
@ApplicationScoped
public class PushTargets {
  /** The configurable target types; the API's PushTarget.type enumeration lists the same. */
  static final List<String> TYPES = List.of("rspamd-redis", "doveadm", "command", "fetchmailmgr");

  @Inject PushConfig config;
  @Inject Vertx vertx;
  @Inject Instance<DkimKeys> dkimKeys;
  @Inject LoginStates logins;
  @Inject ObjectMapper json;
  @Inject Instance<FetchmailCompat> fetchmailCompat;

  private final Map<String, PushTarget> targets = new ConcurrentSkipListMap<>();

  @PostConstruct
  void build() {
    config.targets().forEach((name, target) -> targets.put(name, create(name, target)));
  }

  public Map<String, PushTarget> all() {
    return targets;
  }

  /** Replaces the configured targets, for tests that need a target with a controlled life. */
  void put(String name, PushTarget target) {
    targets.put(name, target);
  }

  void remove(String name) {
    PushTarget removed = targets.remove(name);
    if (removed != null) {
      removed.close();
    }
  }

  PushTarget create(String name, PushConfig.Target target) {
    if (name.length() > 64) {
      throw new IllegalStateException("mailplane.push.targets: name '" + name + "' is too long");
    }
    String prefix = "mailplane.push.targets." + name + ".";
    switch (target.type()) {
      case "rspamd-redis":
        if (!dkimKeys.isResolvable()) {
          throw new IllegalStateException(prefix + "type: rspamd-redis needs the dkim feature");
        }
        return new RspamdRedisTarget(
            vertx,
            required(target.url(), prefix + "url"),
            target.keyPrefix(),
            target.selectorPrefix(),
            dkimKeys.get(),
            target.timeout());
      case "doveadm":
        return new DoveadmTarget(
            required(target.url(), prefix + "url"),
            required(target.apiKey(), prefix + "api-key"),
            target.timeout(),
            logins,
            json);
      case "command":
        if (target.command().isEmpty() || target.command().get().isEmpty()) {
          throw new IllegalStateException(prefix + "command is required");
        }
        Set<String> kinds = new HashSet<>(target.kinds());
        if (!Set.of(Outbox.DKIM, Outbox.MAILBOX, Outbox.TLS).containsAll(kinds)) {
          throw new IllegalStateException(prefix + "kinds: only dkim, mailbox, tls");
        }
        return new CommandTarget(target.command().get(), kinds, target.timeout());
      case "fetchmailmgr":
        return new FetchmailmgrTarget(
            vertx,
            required(target.url(), prefix + "url"),
            target.key().orElse("fetchmail_accounts"),
            fetchmailCompat.get(),
            json,
            target.timeout());
      default:
        throw new IllegalStateException(
            prefix + "type: '" + target.type() + "' is not one of " + String.join(", ", TYPES));
    }
  }

  private static String required(java.util.Optional<String> value, String key) {
    return value
        .filter(v -> !v.isBlank())
        .orElseThrow(() -> new IllegalStateException(key + " is required"));
  }

  @PreDestroy
  void close() {
    targets.values().forEach(PushTarget::close);
  }
}
