package io.mailplane.mailboxes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.api.ApiException;
import io.mailplane.api.ProblemKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Plain unit test: PasswordHasher only needs its config, which a record stands in for here. */
class PasswordHasherTest {

  /** The config with the defaults of PasswordConfig, except for what a test overrides. */
  record Config(
      PasswordScheme scheme,
      int bcryptCost,
      int argon2MemoryKib,
      int argon2Iterations,
      int minLength,
      int maxLength)
      implements PasswordConfig {
    static Config defaults(PasswordScheme scheme) {
      return new Config(scheme, 11, 65536, 3, 8, 1024);
    }

    @Override
    public boolean breachedListBuiltIn() {
      return true;
    }

    @Override
    public java.util.Optional<java.nio.file.Path> breachedListFile() {
      return java.util.Optional.empty();
    }
  }

  private static PasswordHasher hasher(PasswordConfig config) {
    PasswordHasher hasher = new PasswordHasher();
    hasher.config = config;
    hasher.checkConfig();
    return hasher;
  }

  private static PasswordHasher hasher(PasswordScheme scheme) {
    return hasher(Config.defaults(scheme));
  }

  @Test
  void bcryptIsBare2yWithCostAtLeastTenAndVerifies() {
    PasswordHasher hasher = hasher(PasswordScheme.BCRYPT);
    String hash = hasher.hash("correct horse battery", "password");
    Matcher m = Pattern.compile("\\$2y\\$(\\d\\d)\\$[./A-Za-z0-9]{53}").matcher(hash);
    assertTrue(m.matches(), hash);
    assertTrue(Integer.parseInt(m.group(1)) >= 10, hash);
    assertEquals("BLF-CRYPT", PasswordHasher.schemeOf(hash));
    assertTrue(hasher.matches("correct horse battery", hash));
    assertFalse(hasher.matches("correct horse batterY", hash));
    assertFalse(hasher.matches("", hash));
    // A fresh salt every time.
    assertNotEquals(hash, hasher.hash("correct horse battery", "password"));
    // The imported-hash validator accepts what the hasher writes.
    assertEquals(hash, hasher.validateImported(hash, "passwordHash"));
  }

  @Test
  void bcryptHonoursConfiguredCost() {
    PasswordHasher hasher = hasher(new Config(PasswordScheme.BCRYPT, 10, 65536, 3, 8, 1024));
    assertTrue(hasher.hash("correct horse battery", "password").startsWith("$2y$10$"));
  }

  @Test
  void bcryptCostBelowTenIsRefusedAtStartup() {
    assertThrows(
        IllegalStateException.class,
        () -> hasher(new Config(PasswordScheme.BCRYPT, 9, 65536, 3, 8, 1024)));
    assertThrows(
        IllegalStateException.class,
        () -> hasher(new Config(PasswordScheme.BCRYPT, 17, 65536, 3, 8, 1024)));
  }

  @Test
  void bcryptUsesTheFirst72BytesLikeCrypt3() {
    PasswordHasher hasher = hasher(PasswordScheme.BCRYPT);
    String first72 = "0123456789".repeat(7) + "ab";
    String password = first72 + "c".repeat(28);
    assertEquals(100, password.getBytes(StandardCharsets.UTF_8).length);
    String hash = hasher.hash(password, "password");
    assertTrue(hasher.matches(password, hash));
    // crypt(3) ignores everything after byte 72, so these verify as well ...
    assertTrue(hasher.matches(first72, hash));
    assertTrue(hasher.matches(first72 + "something else entirely", hash));
    // ... but the 72nd byte still counts.
    assertFalse(hasher.matches(first72.substring(0, 71) + "X" + "c".repeat(28), hash));
    assertFalse(hasher.matches(first72.substring(0, 71), hash));
  }

  @Test
  void argon2idVerifies() {
    PasswordHasher hasher = hasher(PasswordScheme.ARGON2ID);
    String hash = hasher.hash("correct horse battery", "password");
    assertTrue(
        hash.matches(
            "\\{ARGON2ID\\}\\$argon2id\\$v=19\\$m=65536,t=3,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}"),
        hash);
    assertEquals("ARGON2ID", PasswordHasher.schemeOf(hash));
    assertTrue(hasher.matches("correct horse battery", hash));
    assertFalse(hasher.matches("correct horse batter", hash));
    assertEquals(hash, hasher.validateImported(hash, "passwordHash"));
  }

  @Test
  void sha512CryptVerifies() {
    PasswordHasher hasher = hasher(PasswordScheme.SHA512_CRYPT);
    String hash = hasher.hash("correct horse battery", "password");
    assertTrue(
        hash.matches("\\{SHA512-CRYPT\\}\\$6\\$[./A-Za-z0-9]{16}\\$[./A-Za-z0-9]{86}"), hash);
    assertEquals("SHA512-CRYPT", PasswordHasher.schemeOf(hash));
    assertTrue(hasher.matches("correct horse battery", hash));
    assertFalse(hasher.matches("correct horse batterx", hash));
    assertEquals(hash, hasher.validateImported(hash, "passwordHash"));
  }

  @Test
  void everySchemeVerifiesHashesOfTheOthers() {
    // A mailbox keeps its imported/older hash after the configured scheme changes.
    List<String> hashes =
        List.of(
            hasher(PasswordScheme.BCRYPT).hash("s3cret-password", "password"),
            hasher(PasswordScheme.ARGON2ID).hash("s3cret-password", "password"),
            hasher(PasswordScheme.SHA512_CRYPT).hash("s3cret-password", "password"));
    PasswordHasher hasher = hasher(PasswordScheme.BCRYPT);
    for (String hash : hashes) {
      assertTrue(hasher.matches("s3cret-password", hash), hash);
      assertFalse(hasher.matches("s3cret-passworD", hash), hash);
    }
  }

  @Test
  void matchesIsFalseForGarbageAndUnknownSchemes() {
    PasswordHasher hasher = hasher(PasswordScheme.BCRYPT);
    for (String stored :
        List.of(
            "",
            "plaintext",
            "{PLAIN}plaintext",
            "$2y$11$short",
            "{SHA512-CRYPT}$6$",
            "{ARGON2ID}$argon2id$v=19$m=1,t=1,p=1$AAAA$BBBB",
            "{ARGON2ID}garbage")) {
      assertFalse(hasher.matches("plaintext", stored), stored);
    }
  }

  @Test
  void unicodePasswordsHashAsUtf8() {
    for (PasswordScheme scheme : PasswordScheme.values()) {
      PasswordHasher hasher = hasher(scheme);
      String hash = hasher.hash("pässwörd-ünïcödé-🔑", "password");
      assertTrue(hasher.matches("pässwörd-ünïcödé-🔑", hash), scheme.name());
      assertFalse(hasher.matches("passwSrd-unicode-?", hash), scheme.name());
    }
  }

  @Test
  void policyRejectsShortLongAndControlCharacters() {
    PasswordHasher hasher = hasher(PasswordScheme.BCRYPT);
    assertInvalid(() -> hasher.hash("1234567", "password"), "password");
    assertInvalid(() -> hasher.hash("", "password"), "password");
    assertInvalid(() -> hasher.hash("x".repeat(1025), "password"), "password");
    for (String control : List.of("\u0000", "\n", "\r", "\t", "\u001b", "\u007f", "\u0085")) {
      assertInvalid(
          () -> hasher.hash("long enough" + control + "pw", "newPassword"), "newPassword");
    }
    // Length counts characters (code points), not UTF-16 units or bytes.
    assertInvalid(() -> hasher.hash("🔑🔑🔑🔑🔑🔑🔑", "password"), "password");
    hasher.checkPolicy("🔑🔑🔑🔑🔑🔑🔑🔑", "password");
    hasher.checkPolicy("12345678", "password");
    hasher.checkPolicy("x".repeat(1024), "password");
    hasher.checkPolicy("spaces and 'quotes\" are fine", "password");
  }

  @Test
  void policyFollowsConfiguredLengths() {
    PasswordHasher hasher = hasher(new Config(PasswordScheme.BCRYPT, 10, 65536, 3, 12, 16));
    assertInvalid(() -> hasher.checkPolicy("12345678901", "password"), "password");
    hasher.checkPolicy("123456789012", "password");
    assertInvalid(() -> hasher.checkPolicy("12345678901234567", "password"), "password");
    assertThrows(
        IllegalStateException.class,
        () -> hasher(new Config(PasswordScheme.BCRYPT, 11, 65536, 3, 8, 1025)));
    assertThrows(
        IllegalStateException.class,
        () -> hasher(new Config(PasswordScheme.BCRYPT, 11, 65536, 3, 20, 10)));
  }

  @Test
  void importedHashesAreValidated() {
    PasswordHasher hasher = hasher(PasswordScheme.BCRYPT);
    for (String good :
        List.of(
            "$2y$11$abcdefghijklmnopqrstuu6vnWrfvpk8ZBqUBmHVPoOJpZ5rSrXsS",
            "$2b$10$abcdefghijklmnopqrstuu6vnWrfvpk8ZBqUBmHVPoOJpZ5rSrXsS",
            "{BLF-CRYPT}$2y$11$abcdefghijklmnopqrstuu6vnWrfvpk8ZBqUBmHVPoOJpZ5rSrXsS",
            "{SHA512-CRYPT}$6$saltsaltsalt$VY2cSQvEbNpFpLJZdJp4H5b.FkdeKn0FdFo3y2ZZcXSVcTsdFKY9iTz7Ut1csqFT5VDP/u6niQ0PydqdODs/K0",
            // Imports may have any cost crypt(3) accepts; cost >= 10 is for hashes written here.
            "$2y$04$abcdefghijklmnopqrstuu6vnWrfvpk8ZBqUBmHVPoOJpZ5rSrXsS",
            "$6$rounds=5000$saltsaltsalt$VY2cSQvEbNpFpLJZdJp4H5b.FkdeKn0FdFo3y2ZZcXSVcTsdFKY9iTz7Ut1csqFT5VDP/u6niQ0PydqdODs/K0",
            "{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$c29tZXNhbHRzb21lc2FsdA$"
                + "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXphYmNkZWY")) {
      assertEquals(good, hasher.validateImported("  " + good + "\n", "passwordHash"), good);
    }
    for (String bad :
        List.of(
            "plaintext",
            "{PLAIN}x",
            "{PLAIN}$2y$11$abcdefghijklmnopqrstuu6vnWrfvpk8ZBqUBmHVPoOJpZ5rSrXsS",
            "{CLEARTEXT}secret",
            "{MD5}1B2M2Y8AsgTpgAmY7PhCfg==",
            "{PLAIN-MD5}d41d8cd98f00b204e9800998ecf8427e",
            "$1$salt$qJH7.N4xYta3aEG/dfqo/0",
            "$2y$03$abcdefghijklmnopqrstuu6vnWrfvpk8ZBqUBmHVPoOJpZ5rSrXsS",
            "$2y$11$tooshort",
            "{SHA512-CRYPT}$6$salt$short",
            "{ARGON2ID}$argon2i$v=19$m=65536,t=3,p=1$c29tZXNhbHRzb21lc2FsdA$"
                + "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXphYmNkZWY",
            "$2y$11$abcdefghijklmnopqrstuu6vnWrfvpk8ZBqUBmHVPoOJpZ5rSrXsS\n{PLAIN}x",
            "garbage",
            "")) {
      ApiException e =
          assertThrows(ApiException.class, () -> hasher.validateImported(bad, "passwordHash"), bad);
      assertEquals("passwordHash", e.errors().get(0).field());
    }
  }

  @Test
  void sha512CryptMatchesOpensslPasswd() throws Exception {
    String hash = hasher(PasswordScheme.SHA512_CRYPT).hash("correct horse battery", "password");
    String crypt = hash.substring("{SHA512-CRYPT}".length());
    String salt = crypt.split("\\$")[2];
    String openssl =
        run("correct horse battery\n", "openssl", "passwd", "-6", "-salt", salt, "-stdin");
    assertEquals(crypt, openssl);
  }

  @Test
  void bcryptMatchesSystemCrypt3() throws Exception {
    PasswordHasher hasher = hasher(PasswordScheme.BCRYPT);
    String password = "0123456789".repeat(10);
    String hash = hasher.hash(password, "password");
    String script =
        "import sys, warnings\n"
            + "warnings.simplefilter('ignore')\n"
            + "import crypt\n"
            + "pw, salt = sys.stdin.read().split('\\n')[:2]\n"
            + "print(crypt.crypt(pw, salt) or '')\n";
    String system = run(password + "\n" + hash + "\n", "python3", "-c", script);
    Assumptions.assumeFalse(system.isEmpty(), "this crypt(3) has no bcrypt");
    assertEquals(hash, system);
    // The other way round: crypt(3)'s hash of the 72-byte prefix verifies here.
    String prefixHash =
        run(password.substring(0, 72) + "\n" + hash + "\n", "python3", "-c", script);
    assertTrue(hasher.matches(password, prefixHash));
  }

  /**
   * Sign-in checks the mail password against the stored hash, so it must accept exactly what
   * Dovecot accepts: hashes made by Dovecot itself, in every scheme validateImported takes (but
   * yescrypt, which no Java library verifies).
   */
  @Test
  void everyImportableSchemeVerifiesWhatDoveadmMade() throws Exception {
    PasswordHasher hasher = hasher(PasswordScheme.BCRYPT);
    String password = "pässword 1 \"$";
    for (String scheme :
        List.of(
            "BLF-CRYPT",
            "CRYPT",
            "SHA512-CRYPT",
            "SHA256-CRYPT",
            "ARGON2ID",
            "ARGON2I",
            "SSHA",
            "SSHA256",
            "SSHA512",
            "SSHA.HEX",
            "PBKDF2")) {
      String hash = run("", "doveadm", "pw", "-s", scheme, "-p", password);
      assertEquals(hash, hasher.validateImported(hash, "passwordHash"), scheme);
      assertTrue(hasher.matches(password, hash), scheme + " " + hash);
      assertFalse(hasher.matches(password + "x", hash), scheme);
      assertFalse(hasher.matches("", hash), scheme);
      // Without the {SCHEME} prefix: how the seed and crypt(3) users store the crypt schemes.
      if (hash.startsWith("{SHA512-CRYPT}") || hash.startsWith("{BLF-CRYPT}")) {
        String bare = hash.substring(hash.indexOf('}') + 1);
        assertTrue(hasher.matches(password, bare), bare);
      }
    }
  }

  @Test
  void hashesOfAbsurdCostAreRefusedUnverified() {
    PasswordHasher hasher = hasher(PasswordScheme.BCRYPT);
    // Cheap to reject: the work factor is read before any work is done.
    assertFalse(
        hasher.matches("x", "$2y$31$abcdefghijklmnopqrstuu6vnWrfvpk8ZBqUBmHVPoOJpZ5rSrXsS"));
    assertFalse(
        hasher.matches(
            "x",
            "{ARGON2ID}$argon2id$v=19$m=99999999,t=3,p=1$gSyPG9HZKX1h55Y3luqD3A$NMUEQuTnpDryLmPIxyvndUsV9xsbq+mcmpxDu5tzt9U"));
    assertFalse(
        hasher.matches(
            "x", "{PBKDF2}$1$TZQDnNMYUpKsrphx$9999999$a11a530b8bc93dc587c6341ac66365b8d1b4f020"));
    assertFalse(hasher.matches("x", "$6$rounds=999999999$salt$" + "a".repeat(86)));
  }

  private static String run(String stdin, String... command) throws Exception {
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(false).start();
    } catch (IOException e) {
      Assumptions.abort(command[0] + " is not available: " + e.getMessage());
      throw e;
    }
    process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Assumptions.assumeTrue(process.waitFor(30, TimeUnit.SECONDS), command[0] + " hung");
    Assumptions.assumeTrue(process.exitValue() == 0, command[0] + " failed");
    return out.strip();
  }

  private static void assertInvalid(Runnable action, String field) {
    ApiException e = assertThrows(ApiException.class, action::run);
    assertEquals(ProblemKind.VALIDATION_FAILED, e.kind());
    assertEquals(field, e.errors().get(0).field());
  }
}
