package io.mailplane.dkim;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** DKIM defaults and key retirement. */
@ConfigMapping(prefix = "mailplane.dkim")
public interface DkimConfig {
  /** Selector used when enabling DKIM without one; the seed's selector is "dkim". */
  @WithDefault("dkim")
  String defaultSelector();

  /** RSA key size when none is given (1024 to 4096). */
  @WithDefault("2048")
  int defaultRsaBits();

  /**
   * After a rotation, how long the old selector stays in the DNS output (it no longer signs), so
   * that mail signed with it just before the rotation still verifies. Then a job deletes it.
   */
  @WithDefault("P7D")
  Duration retireAfter();

  /**
   * How often the retirement job looks for keys past their overlap. Read by name in
   * the @Scheduled(every) expression of DkimRetirementJob, which cannot take a mapping method;
   * declared here so the setting is typed, checked at start and documented with the others.
   */
  @WithDefault("1m")
  String retireCheckEvery();
}
