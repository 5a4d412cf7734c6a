package io.mailplane.mailboxes;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How mailbox passwords are hashed and which passwords are accepted. */
@ConfigMapping(prefix = "mailplane.passwords")
public interface PasswordConfig {
  /** Scheme for new passwords: BCRYPT, ARGON2ID or SHA512_CRYPT. */
  @WithDefault("BCRYPT")
  PasswordScheme scheme();

  /** bcrypt cost factor (10 to 16). */
  @WithDefault("11")
  int bcryptCost();

  /** Argon2id memory in KiB. */
  @WithDefault("65536")
  int argon2MemoryKib();

  /** Argon2id iterations. */
  @WithDefault("3")
  int argon2Iterations();

  /** Shortest password accepted (characters). */
  @WithDefault("8")
  int minLength();

  /** Longest password accepted (characters, at most 1024). */
  @WithDefault("1024")
  int maxLength();
}
