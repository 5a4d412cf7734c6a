package io.mailplane.api;

import java.util.List;

/**
 * The request's {@code Prefer} header (RFC 7240). Only {@code respond-async} means anything here;
 * every other preference, and any value that does not parse, is ignored, as §2 asks of a server.
 */
public final class Prefer {
  public static final String HEADER = "Prefer";
  public static final String RESPOND_ASYNC = "respond-async";

  private Prefer() {}

  /**
   * Whether one of the headers' preferences is respond-async (tokens compare case-insensitively).
   */
  public static boolean respondAsync(List<String> headers) {
    if (headers == null) {
      return false;
    }
    for (String header : headers) {
      if (respondAsync(header)) {
        return true;
      }
    }
    return false;
  }

  /** As {@link #respondAsync(List)}, for one header value (null: none). */
  public static boolean respondAsync(String header) {
    if (header == null) {
      return false;
    }
    for (String preference : header.split(",")) {
      // A preference is token [ "=" value ] *( ";" parameter ); respond-async takes no value.
      String token = preference.split(";", 2)[0].trim();
      if (token.equalsIgnoreCase(RESPOND_ASYNC)) {
        return true;
      }
    }
    return false;
  }
}
