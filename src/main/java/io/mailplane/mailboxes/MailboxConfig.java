package io.mailplane.mailboxes;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "mailplane.mailboxes")
public interface MailboxConfig {
  /** Quota in MiB for a new mailbox when neither it nor its domain sets one (0 = unlimited). */
  @WithDefault("0")
  long defaultQuotaMb();
}
