package io.mailplane.common;

import java.util.ArrayList;
import java.util.List;

/** TXT record values as DNS carries them: DKIM keys, SPF and DMARC policies alike. */
public final class TxtStrings {
  /** Longest character-string in a TXT record. */
  static final int MAX_STRING = 255;

  private TxtStrings() {}

  /** Splits a TXT value into ≤255-character strings; resolvers concatenate them unchanged. */
  public static List<String> split(String value) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < value.length(); i += MAX_STRING) {
      parts.add(value.substring(i, Math.min(value.length(), i + MAX_STRING)));
    }
    if (parts.isEmpty()) {
      parts.add("");
    }
    return List.copyOf(parts);
  }
}
