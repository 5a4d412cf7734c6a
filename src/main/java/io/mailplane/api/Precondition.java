package io.mailplane.api;

import jakarta.ws.rs.HeaderParam;
import java.util.Arrays;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/**
 * The conditions of a write (RFC 9110 §13), read from its headers at the edge: resources take it as
 * a {@code @BeanParam}, services check it against the object's version and never see a header.
 * PATCH, DELETE and actions honour If-Match; a PUT also If-None-Match ({@link OrCreate}).
 */
public class Precondition {
  /** No condition: a write the server makes itself (the configuration document, an import). */
  public static final Precondition NONE = new Precondition();

  @HeaderParam("If-Match")
  @Parameter(
      description = "Write only if the ETag (the version, or the configuration revision) matches")
  protected String ifMatch;

  /** Whether the write is conditional at all (an If-Match header with a value). */
  public boolean isConditional() {
    return ifMatch != null && !ifMatch.isBlank();
  }

  /**
   * Throws 412 when the conditions do not hold for the current version (null when the object does
   * not exist).
   */
  public void check(Long currentVersion) {
    if (isConditional()) {
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
    String ifNoneMatch = ifNoneMatch();
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

  String ifNoneMatch() {
    return null;
  }

  /** A PUT's conditions: If-None-Match: * creates only. */
  public static class OrCreate extends Precondition {
    @HeaderParam("If-None-Match")
    @Parameter(description = "`*` to create only")
    protected String ifNoneMatch;

    @Override
    String ifNoneMatch() {
      return ifNoneMatch;
    }
  }
}
