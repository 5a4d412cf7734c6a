package io.mailplane.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** API authentication. */
@ConfigMapping(prefix = "mailplane.auth")
public interface AuthConfig {
  /**
   * Admin token accepted without a database row, for the first calls on a new install
   * (MAILPLANE_BOOTSTRAP_TOKEN). At least 32 characters; in production also not one of the
   * repository's published tokens, not a repeated piece and not of visibly low entropy, or the
   * application refuses to start (see BootstrapToken).
   */
  Optional<String> bootstrapToken();

  /**
   * Failed authentications one client address may make per window; past it, its invalid tokens get
   * 429 without a database lookup, while valid tokens from it still pass.
   */
  @WithDefault("20")
  int failedAttemptsPerWindow();

  /**
   * Failed mail-password sign-ins one mailbox may see per window, from all client addresses
   * together; past it, its sign-ins get 429 until the window ends (its tokens and its IMAP/SMTP
   * logins are not affected).
   */
  @WithDefault("10")
  int failedSignInsPerAccount();

  /**
   * How long a mailbox sign-in session (a {@code mps_} bearer token) is valid. Short, because the
   * token stands for the mail password.
   */
  @WithDefault("15m")
  Duration sessionLifetime();

  /** The window for failed-authentication counting, and how long a locked-out address waits. */
  @WithDefault("1m")
  Duration failedAttemptsWindow();

  /**
   * How long a verified token is trusted without asking the database again. A token revoked on
   * another replica keeps working here for at most this long.
   */
  @WithDefault("10s")
  Duration tokenCacheTtl();

  /** How often last-used times are written back (per token). */
  @WithDefault("1m")
  Duration lastUsedResolution();
}
