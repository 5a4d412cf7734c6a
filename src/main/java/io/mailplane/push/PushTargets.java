package io.mailplane.push;

import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The targets named in mailplane.push.targets, built once so bad settings fail the start, each by
 * the PushTargetFactory bean of its type (contributed by the feature that owns the state).
 */
@Startup
@ApplicationScoped
public class PushTargets {
  /** The configurable target types; the API's PushTarget.type enumeration lists the same. */
  static final List<String> TYPES = List.of("rspamd-redis", "doveadm", "command", "fetchmailmgr");

  @Inject PushConfig config;
  @Inject Instance<PushTargetFactory> factories;

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
    for (PushTargetFactory factory : factories) {
      if (factory.type().equals(target.type())) {
        return factory.create(target, prefix);
      }
    }
    throw new IllegalStateException(
        prefix + "type: '" + target.type() + "' is not one of " + String.join(", ", TYPES));
  }

  @PreDestroy
  void close() {
    targets.values().forEach(PushTarget::close);
  }
}
