package io.mailplane.common;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A normalized mail address. Local parts are lowercase dot-atoms without '%' and '/': '%' is
 * Postfix's legacy routing syntax and '/' would leave the maildir path Dovecot derives from it.
 */
public record MailAddress(String localPart, String domain) {
  private static final Pattern LOCAL_PART =
      Pattern.compile("[a-z0-9!#$&'*+=?^_`{|}~-]+(\\.[a-z0-9!#$&'*+=?^_`{|}~-]+)*");

  /** The domain of an address already stored in its normalized form (no parsing, no checks). */
  public static String domainOf(String storedAddress) {
    return storedAddress.substring(storedAddress.lastIndexOf('@') + 1);
  }

  /** Parses user@domain; with allowCatchAll, "@domain" gives an empty local part. */
  public static MailAddress parse(String raw, String field, boolean allowCatchAll) {
    if (raw == null || raw.isBlank()) {
      throw new InvalidValueException(field, "must not be blank");
    }
    String value = raw.strip();
    int at = value.lastIndexOf('@');
    if (at < 0) {
      throw new InvalidValueException(field, "must be an address like user@example.com");
    }
    String local = value.substring(0, at).toLowerCase(Locale.ROOT);
    String domain = DomainNames.normalize(value.substring(at + 1), field);
    if (local.isEmpty()) {
      if (!allowCatchAll) {
        throw new InvalidValueException(field, "must have a local part before '@'");
      }
    } else if (local.length() > 64) {
      throw new InvalidValueException(field, "local part must be at most 64 characters");
    } else if (!LOCAL_PART.matcher(local).matches()) {
      throw new InvalidValueException(
          field,
          "local part may hold letters, digits, dots (not leading, trailing or doubled) and !#$&'*+=?^_`{|}~-");
    }
    return new MailAddress(local, domain);
  }

  @Override
  public String toString() {
    return localPart + "@" + domain;
  }
}
