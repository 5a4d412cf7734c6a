package io.mailplane.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque keyset cursor: the last key of the previous page. Opaque so that its encoding can change
 * without breaking clients that treat it as a token.
 */
public final class Cursor {
  private static final String PREFIX = "k1:";

  private Cursor() {}

  public static String encode(String lastKey) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((PREFIX + lastKey).getBytes(StandardCharsets.UTF_8));
  }

  /** Returns the key after which the next page starts, or null for the first page. */
  public static String decode(String after) {
    if (after == null || after.isEmpty()) {
      return null;
    }
    try {
      String decoded = new String(Base64.getUrlDecoder().decode(after), StandardCharsets.UTF_8);
      if (decoded.startsWith(PREFIX)) {
        return decoded.substring(PREFIX.length());
      }
    } catch (IllegalArgumentException e) {
      // fall through to the cursor error
    }
    throw invalid();
  }

  /** A cursor this API did not hand out (or for another list): 400, never a lookup's 404. */
  public static ApiException invalid() {
    return new ApiException(
        ProblemKind.INVALID_CURSOR,
        "after: not a cursor returned by this list; start again without it",
        java.util.List.of(new Problem.FieldError("after", "not a cursor returned by this list")),
        java.util.Map.of());
  }
}
