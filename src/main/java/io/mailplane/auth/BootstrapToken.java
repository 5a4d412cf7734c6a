package io.mailplane.auth;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a bootstrap token is fit to guard an install. The token is an admin credential
 * without a database row, so a guessable one in production hands the whole mail system to whoever
 * guesses it: production refuses to start with it rather than warn in a log nobody reads.
 */
final class BootstrapToken {
  static final int MIN_LENGTH = 32;

  /**
   * Estimated bits a production token must carry. `openssl rand -hex 32` (as documented) carries
   * 256 and is estimated at about 230; even `openssl rand -hex 16` (128 real bits) was never
   * estimated below 90 in 200,000 draws. Few distinct characters fall far below.
   */
  static final double MIN_PRODUCTION_BITS = 80;

  /**
   * Tokens printed in this repository (application.properties' dev and test profiles, the example
   * files): public, so never a secret in production, whatever their length.
   */
  private static final Set<String> PUBLIC =
      Set.of(
          "dev-admin-token-change-me-0123456789",
          "test-admin-token-0123456789abcdef0123",
          "CHANGE-openssl-rand-hex-32");

  private BootstrapToken() {}

  /**
   * Why the token must not be used, or empty when it may.
   *
   * @param production the prod profile (the packaged application): there the public dev/test tokens
   *     and low-entropy tokens are refused too; dev and test keep their documented tokens
   */
  static Optional<String> weakness(String token, boolean production) {
    if (token.length() < MIN_LENGTH) {
      return Optional.of("is shorter than " + MIN_LENGTH + " characters");
    }
    if (!production) {
      return Optional.empty();
    }
    if (PUBLIC.contains(token)) {
      return Optional.of("is a token published in mailplane's own files (dev, test or example)");
    }
    if ((token + token).indexOf(token, 1) < token.length()) {
      return Optional.of("is one shorter piece repeated");
    }
    double bits = estimatedBits(token);
    if (bits < MIN_PRODUCTION_BITS) {
      return Optional.of(
          String.format(
              "looks guessable (estimated %.0f bits of entropy, at least %.0f needed)",
              bits, MIN_PRODUCTION_BITS));
    }
    return Optional.empty();
  }

  /**
   * Length times the Shannon entropy of the token's own character frequencies: an upper bound for
   * random tokens and a sharp penalty for repetition (`aaaa…`, `adminadmin…`). It cannot see that a
   * long passphrase of common words is guessable; the length rule and the documented generator
   * cover that.
   */
  static double estimatedBits(String token) {
    Map<Integer, Integer> counts = new HashMap<>();
    token.codePoints().forEach(c -> counts.merge(c, 1, Integer::sum));
    int length = token.codePointCount(0, token.length());
    double perCharacter = 0;
    for (int count : counts.values()) {
      double p = (double) count / length;
      perCharacter -= p * (Math.log(p) / Math.log(2));
    }
    return perCharacter * length;
  }
}
