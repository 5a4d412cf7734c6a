package io.mailplane.api;

/** Strict parsing of query parameters that JAX-RS would convert leniently. */
public final class QueryParams {
  private QueryParams() {}

  /** "true"/"false" or absent; JAX-RS would read anything else as false. */
  public static Boolean optionalBoolean(String value, String field) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    return switch (value) {
      case "true" -> Boolean.TRUE;
      case "false" -> Boolean.FALSE;
      default -> throw ApiException.invalid(field, "must be true or false");
    };
  }
}
