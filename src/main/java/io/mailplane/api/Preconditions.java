package io.mailplane.api;

import jakarta.ws.rs.core.EntityTag;
import java.util.Arrays;

/** HTTP conditional requests (RFC 9110 §13) against an object's version. */
public final class Preconditions {
  private Preconditions() {}

  public static EntityTag etag(long version) {
    return new EntityTag(Long.toString(version));
  }

  /**
   * Throws 412 when the conditions do not hold for the current version (null when the object does
   * not exist).
   */
  public static void check(String ifMatch, String ifNoneMatch, Long currentVersion) {
    if (ifMatch != null && !ifMatch.isBlank()) {
      if (currentVersion == null) {
        throw failed("If-Match given but the resource does not exist");
      }
      if (!matches(ifMatch, currentVersion, false)) {
        throw failed(
            "If-Match "
                + ifMatch.trim()
                + " does not match the current ETag \""
                + currentVersion
                + "\"");
      }
    }
    if (ifNoneMatch != null && !ifNoneMatch.isBlank() && currentVersion != null) {
      if (matches(ifNoneMatch, currentVersion, true)) {
        throw failed("If-None-Match matched: the resource already exists");
      }
    }
  }

  /**
   * If-Match compares strongly, so a weak tag never matches there; If-None-Match compares weakly
   * (RFC 9110 §13.1.1, §13.1.2).
   */
  private static boolean matches(String header, long version, boolean weak) {
    String current = Long.toString(version);
    return Arrays.stream(header.split(","))
        .map(String::trim)
        .map(tag -> weak && tag.startsWith("W/") ? tag.substring(2) : tag)
        .anyMatch(tag -> tag.equals("*") || tag.equals("\"" + current + "\""));
  }

  private static ApiException failed(String detail) {
    return new ApiException(ProblemKind.PRECONDITION_FAILED, detail);
  }
}
