package io.mailplane.mailboxes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plain unit test of the offline breached-password list: built in, from a file, or both. */
class BreachedPasswordsTest {
  record Config(boolean breachedListBuiltIn, Optional<Path> breachedListFile)
      implements PasswordConfig {
    @Override
    public PasswordScheme scheme() {
      return PasswordScheme.BCRYPT;
    }

    @Override
    public int bcryptCost() {
      return 10;
    }

    @Override
    public int argon2MemoryKib() {
      return 65536;
    }

    @Override
    public int argon2Iterations() {
      return 3;
    }

    @Override
    public int minLength() {
      return 8;
    }

    @Override
    public int maxLength() {
      return 1024;
    }
  }

  private static BreachedPasswords load(boolean builtIn, Path file) {
    BreachedPasswords list = new BreachedPasswords();
    list.config = new Config(builtIn, Optional.ofNullable(file));
    list.load();
    return list;
  }

  @Test
  void theShippedListHoldsTheCommonPasswordsCaseInsensitively() {
    BreachedPasswords list = load(true, null);
    assertEquals(49_233, list.size());
    assertTrue(list.contains("password"));
    assertTrue(list.contains("Superman"));
    assertTrue(list.contains("ILOVEYOU"));
    assertFalse(list.contains("Fresh-Phrase-Orbit-51"));
  }

  @Test
  void aConfiguredFileAddsToOrReplacesIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("breached.txt");
    Files.writeString(
        file, "Tumble-Weed-Lantern-7\r\n\n  spaced-entry-99  \n", StandardCharsets.UTF_8);
    BreachedPasswords both = load(true, file);
    assertTrue(both.contains("tumble-weed-lantern-7"));
    assertTrue(both.contains("spaced-entry-99"));
    assertTrue(both.contains("password"));
    BreachedPasswords fileOnly = load(false, file);
    assertEquals(2, fileOnly.size());
    assertFalse(fileOnly.contains("password"));
  }

  @Test
  void anUnreadableFileStopsTheStart(@TempDir Path dir) {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> load(true, dir.resolve("missing.txt")));
    assertTrue(e.getMessage().contains("breached-list-file"));
  }
}
