package io.mailplane.mailboxes;

import io.mailplane.api.ApiException;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.codec.DecoderException;
import org.apache.commons.codec.binary.Hex;
import org.apache.commons.codec.digest.Crypt;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Hashes passwords into the Dovecot formats (Bouncy Castle for bcrypt and Argon2, commons-codec for
 * SHA-512-crypt) and recognizes the imported hashes Dovecot can verify.
 */
@ApplicationScoped
public class PasswordHasher {
  private static final String CRYPT_SALT_CHARS =
      "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final Pattern ARGON2 =
      Pattern.compile(
          "\\$argon2(id|i)\\$v=19\\$m=(\\d{1,8}),t=(\\d{1,4}),p=(\\d{1,3})\\$([A-Za-z0-9+/]{11,})\\$([A-Za-z0-9+/]{16,})");
  private static final String BCRYPT = "\\$2[aby]\\$(0[4-9]|[12][0-9]|3[01])\\$[./A-Za-z0-9]{53}";
  private static final String SHA_CRYPT_SALT = "(rounds=\\d{4,9}\\$)?[./A-Za-z0-9]{1,16}";
  private static final String SHA512 = "\\$6\\$" + SHA_CRYPT_SALT + "\\$[./A-Za-z0-9]{86}";
  private static final String SHA256 = "\\$5\\$" + SHA_CRYPT_SALT + "\\$[./A-Za-z0-9]{43}";
  private static final String YESCRYPT =
      "\\$y\\$[./A-Za-z0-9]+\\$[./A-Za-z0-9]{1,86}\\$[./A-Za-z0-9]{43}";
  private static final String SSHA = "[A-Za-z0-9+/]{24,}={0,2}";
  private static final String HEX = "[0-9a-fA-F]{32,128}";

  /** Scheme prefix → what must follow it. Plaintext and unsalted MD5 schemes are refused. */
  private static final Pattern[] IMPORTABLE = {
    Pattern.compile(BCRYPT),
    Pattern.compile(SHA512),
    Pattern.compile(SHA256),
    Pattern.compile(YESCRYPT),
    Pattern.compile("\\{BLF-CRYPT\\}" + BCRYPT),
    Pattern.compile("\\{SHA512-CRYPT\\}" + SHA512),
    Pattern.compile("\\{SHA256-CRYPT\\}" + SHA256),
    Pattern.compile("\\{CRYPT\\}(" + BCRYPT + "|" + SHA512 + "|" + SHA256 + "|" + YESCRYPT + ")"),
    Pattern.compile("\\{ARGON2ID\\}" + ARGON2.pattern().replace("(id|i)", "(id)")),
    Pattern.compile("\\{ARGON2I\\}" + ARGON2.pattern().replace("(id|i)", "(i)")),
    Pattern.compile("\\{(SSHA512|SSHA256|SSHA)\\}" + SSHA),
    Pattern.compile("\\{(SSHA512|SSHA256|SSHA)\\.HEX\\}" + HEX),
    Pattern.compile("\\{PBKDF2\\}\\$1\\$[./A-Za-z0-9]{16}\\$\\d{1,7}\\$[0-9a-f]{40}"),
  };

  @Inject PasswordConfig config;

  private final SecureRandom random = new SecureRandom();

  @PostConstruct
  void checkConfig() {
    if (config.bcryptCost() < 10 || config.bcryptCost() > 16) {
      throw new IllegalStateException("mailplane.passwords.bcrypt-cost must be between 10 and 16");
    }
    if (config.maxLength() > 1024
        || config.minLength() < 1
        || config.minLength() > config.maxLength()) {
      throw new IllegalStateException(
          "mailplane.passwords.min-length/max-length out of range (1..1024)");
    }
  }

  /** Validates a new password against the policy and hashes it with the configured scheme. */
  public String hash(String password, String field) {
    checkPolicy(password, field);
    return hashWithoutPolicy(password);
  }

  /** For values the policy does not apply to (the dummy hash of sign-in). */
  String hashWithoutPolicy(String password) {
    return switch (config.scheme()) {
      case BCRYPT -> bcrypt(password);
      case ARGON2ID -> argon2id(password);
      case SHA512_CRYPT -> "{SHA512-CRYPT}" + Crypt.crypt(bytes(password), "$6$" + salt(16));
    };
  }

  void checkPolicy(String password, String field) {
    int length = password.codePointCount(0, password.length());
    if (length < config.minLength()) {
      throw ApiException.invalid(field, "must be at least " + config.minLength() + " characters");
    }
    if (length > config.maxLength()) {
      throw ApiException.invalid(field, "must be at most " + config.maxLength() + " characters");
    }
    if (password.codePoints().anyMatch(Character::isISOControl)) {
      throw ApiException.invalid(field, "must not contain control characters");
    }
  }

  /**
   * True when password is the one hashed in stored, for every scheme {@link #validateImported}
   * accepts except yescrypt (no Java implementation; such a mailbox cannot sign in to the API until
   * its password is set through mailplane, while Dovecot still verifies it). Sign-in relies on this
   * agreeing with Dovecot: PasswordHasherTest checks it against {@code doveadm pw}.
   */
  public boolean matches(String password, String stored) {
    try {
      String scheme = "CRYPT";
      String value = stored;
      if (stored.startsWith("{")) {
        int end = stored.indexOf('}');
        scheme = stored.substring(1, end);
        value = stored.substring(end + 1);
      }
      return switch (scheme) {
        case "CRYPT", "BLF-CRYPT", "SHA512-CRYPT", "SHA256-CRYPT" -> cryptMatches(password, value);
        case "ARGON2ID" -> argon2Matches(password, value, Argon2Parameters.ARGON2_id, "id");
        case "ARGON2I" -> argon2Matches(password, value, Argon2Parameters.ARGON2_i, "i");
        case "SSHA" -> saltedMatches(password, Base64.getDecoder().decode(value), "SHA-1");
        case "SSHA256" -> saltedMatches(password, Base64.getDecoder().decode(value), "SHA-256");
        case "SSHA512" -> saltedMatches(password, Base64.getDecoder().decode(value), "SHA-512");
        case "SSHA.HEX" -> saltedMatches(password, Hex.decodeHex(value), "SHA-1");
        case "SSHA256.HEX" -> saltedMatches(password, Hex.decodeHex(value), "SHA-256");
        case "SSHA512.HEX" -> saltedMatches(password, Hex.decodeHex(value), "SHA-512");
        case "PBKDF2" -> pbkdf2Matches(password, value);
        default -> false;
      };
    } catch (RuntimeException | DecoderException | NoSuchAlgorithmException e) {
      return false;
    }
  }

  /**
   * Work factors beyond these are refused unverified: an imported hash with a huge cost would let
   * every sign-in attempt against it burn seconds of CPU or gigabytes of memory. They are well
   * above what Dovecot and mailplane write by default.
   */
  private static final int MAX_BCRYPT_COST = 16;

  private static final int MAX_ROUNDS = 1_000_000;
  private static final int MAX_ARGON2_MEMORY_KIB = 1 << 20;
  private static final int MAX_ARGON2_ITERATIONS = 32;
  private static final Pattern SHA_CRYPT_ROUNDS = Pattern.compile("\\$[56]\\$rounds=(\\d+)\\$.*");

  private static boolean cryptMatches(String password, String hash) {
    Matcher rounds = SHA_CRYPT_ROUNDS.matcher(hash);
    if (rounds.matches() && Long.parseLong(rounds.group(1)) > MAX_ROUNDS) {
      return false;
    }
    if (hash.startsWith("$2")) {
      if (Integer.parseInt(hash.substring(4, 6)) > MAX_BCRYPT_COST) {
        return false;
      }
      return OpenBSDBCrypt.checkPassword(hash, bcryptInput(password));
    }
    if (hash.startsWith("$6$") || hash.startsWith("$5$")) {
      return MessageDigest.isEqual(
          hash.getBytes(StandardCharsets.US_ASCII),
          Crypt.crypt(bytes(password), hash).getBytes(StandardCharsets.US_ASCII));
    }
    return false;
  }

  private static boolean argon2Matches(String password, String hash, int type, String name) {
    Matcher m = ARGON2.matcher(hash);
    if (!m.matches()
        || !m.group(1).equals(name)
        || Integer.parseInt(m.group(2)) > MAX_ARGON2_MEMORY_KIB
        || Integer.parseInt(m.group(3)) > MAX_ARGON2_ITERATIONS) {
      return false;
    }
    byte[] salt = Base64.getDecoder().decode(m.group(5));
    byte[] expected = Base64.getDecoder().decode(m.group(6));
    byte[] actual =
        argon2(
            type,
            password,
            salt,
            Integer.parseInt(m.group(2)),
            Integer.parseInt(m.group(3)),
            Integer.parseInt(m.group(4)),
            expected.length);
    return MessageDigest.isEqual(expected, actual);
  }

  /** Dovecot's salted digests: digest(password + salt), followed by the salt. */
  private static boolean saltedMatches(String password, byte[] decoded, String algorithm)
      throws NoSuchAlgorithmException {
    MessageDigest digest = MessageDigest.getInstance(algorithm);
    int length = digest.getDigestLength();
    if (decoded.length <= length) {
      return false;
    }
    digest.update(bytes(password));
    digest.update(decoded, length, decoded.length - length);
    return MessageDigest.isEqual(Arrays.copyOf(decoded, length), digest.digest());
  }

  /** Dovecot's PBKDF2: {@code $1$<salt>$<rounds>$<hex of 20 bytes of PBKDF2-HMAC-SHA1>}. */
  private static boolean pbkdf2Matches(String password, String hash) throws DecoderException {
    String[] parts = hash.split("\\$");
    if (parts.length != 5
        || !parts[0].isEmpty()
        || !parts[1].equals("1")
        || Long.parseLong(parts[3]) > MAX_ROUNDS) {
      return false;
    }
    byte[] expected = Hex.decodeHex(parts[4]);
    PKCS5S2ParametersGenerator generator = new PKCS5S2ParametersGenerator(new SHA1Digest());
    generator.init(
        bytes(password), parts[2].getBytes(StandardCharsets.US_ASCII), Integer.parseInt(parts[3]));
    byte[] actual =
        ((KeyParameter) generator.generateDerivedParameters(expected.length * 8)).getKey();
    return MessageDigest.isEqual(expected, actual);
  }

  /** Checks an imported hash is in a format Dovecot verifies; returns it trimmed. */
  public String validateImported(String hash, String field) {
    String value = hash.strip();
    for (Pattern pattern : IMPORTABLE) {
      if (pattern.matcher(value).matches()) {
        return value;
      }
    }
    throw ApiException.invalid(
        field,
        "must be a Dovecot password hash: bcrypt ($2y$/{BLF-CRYPT}), {SHA512-CRYPT}/$6$, {SHA256-CRYPT}/$5$,"
            + " yescrypt ($y$), {ARGON2ID}, {ARGON2I}, {SSHA512}, {SSHA256}, {SSHA} or {PBKDF2};"
            + " plaintext and unsalted schemes are refused");
  }

  /** The Dovecot scheme name of a stored hash, for display. */
  public static String schemeOf(String stored) {
    if (stored.startsWith("{")) {
      int end = stored.indexOf('}');
      return end > 0 ? stored.substring(1, end) : "UNKNOWN";
    }
    if (stored.startsWith("$2")) {
      return "BLF-CRYPT";
    }
    if (stored.startsWith("$6$")) {
      return "SHA512-CRYPT";
    }
    if (stored.startsWith("$5$")) {
      return "SHA256-CRYPT";
    }
    return "CRYPT";
  }

  private String bcrypt(String password) {
    byte[] salt = new byte[16];
    random.nextBytes(salt);
    return OpenBSDBCrypt.generate("2y", bcryptInput(password), salt, config.bcryptCost());
  }

  /**
   * bcrypt reads at most 72 bytes, and crypt(3) in Dovecot silently ignores the rest; Bouncy Castle
   * refuses longer input instead, so cut it the way crypt(3) does.
   */
  private static byte[] bcryptInput(String password) {
    byte[] raw = bytes(password);
    return raw.length > 72 ? Arrays.copyOf(raw, 72) : raw;
  }

  private String argon2id(String password) {
    byte[] salt = new byte[16];
    random.nextBytes(salt);
    int memory = config.argon2MemoryKib();
    int iterations = config.argon2Iterations();
    byte[] hash = argon2(Argon2Parameters.ARGON2_id, password, salt, memory, iterations, 1, 32);
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return "{ARGON2ID}$argon2id$v=19$m="
        + memory
        + ",t="
        + iterations
        + ",p=1$"
        + b64.encodeToString(salt)
        + "$"
        + b64.encodeToString(hash);
  }

  private static byte[] argon2(
      int type,
      String password,
      byte[] salt,
      int memoryKib,
      int iterations,
      int parallelism,
      int length) {
    Argon2Parameters parameters =
        new Argon2Parameters.Builder(type)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withMemoryAsKB(memoryKib)
            .withIterations(iterations)
            .withParallelism(parallelism)
            .withSalt(salt)
            .build();
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(parameters);
    byte[] out = new byte[length];
    generator.generateBytes(bytes(password), out);
    return out;
  }

  private String salt(int length) {
    StringBuilder salt = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      salt.append(CRYPT_SALT_CHARS.charAt(random.nextInt(CRYPT_SALT_CHARS.length())));
    }
    return salt.toString();
  }

  private static byte[] bytes(String password) {
    return password.getBytes(StandardCharsets.UTF_8);
  }
}
