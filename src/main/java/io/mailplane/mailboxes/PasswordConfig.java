package io.mailplane.mailboxes;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Optional;

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

  /**
   * Whether self-service password changes are checked against the list shipped with mailplane: the
   * 49,233 most common passwords of breach dumps (zxcvbn-ts's common list, MIT).
   */
  @WithDefault("true")
  boolean breachedListBuiltIn();

  /**
   * A further list of refused passwords, one a line (compared case-insensitively), read at start:
   * e.g. a larger breach list such as SecLists' 10-million-password list. No network lookup is ever
   * made.
   */
  Optional<Path> breachedListFile();
}
