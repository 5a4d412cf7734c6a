package io.mailplane.push;

import java.util.Optional;

/**
 * Builds the push targets of one type from mailplane.push.targets. A feature that owns a kind of
 * state a mail container caches contributes its own factory bean, so push knows no feature.
 */
public interface PushTargetFactory {
  /** The value of mailplane.push.targets.&lt;name&gt;.type this factory builds. */
  String type();

  /**
   * A target from its settings; throws IllegalStateException naming the setting (under prefix) that
   * is wrong, so a bad configuration fails the start.
   */
  PushTarget create(PushConfig.Target target, String prefix);

  /** A setting that must be present and not blank. */
  static String required(Optional<String> value, String key) {
    return value
        .filter(v -> !v.isBlank())
        .orElseThrow(() -> new IllegalStateException(key + " is required"));
  }
}
