package io.mailplane.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits of the declarative configuration endpoints (/api/v1/config). */
@ConfigMapping(prefix = "mailplane.config")
public interface ConfigApiConfig {
  /**
   * Most entries one document may hold, over all sections; more is a 413. The body itself is also
   * bounded by mailplane.api.max-body-bytes.
   */
  @WithDefault("20000")
  int maxEntries();
}
