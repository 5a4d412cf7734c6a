package io.mailplane.common;

import java.net.IDN;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Domain name normalization: IDN to A-label, lowercase, no trailing dot. The JDK's IDN (IDNA2003)
 * is used rather than ICU4J: it is part of the platform, and the names that differ between IDNA2003
 * and IDNA2008 (ß, ς, ZWJ) are rare in mail domains; see docs/decisions.md.
 */
public final class DomainNames {
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern NUMERIC = Pattern.compile("[0-9]+");

  private DomainNames() {}

  public static String normalize(String raw, String field) {
    if (raw == null || raw.isBlank()) {
      throw new InvalidValueException(field, "must not be blank");
    }
    String name = raw.strip();
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    if (name.length() > 253 * 4) {
      throw new InvalidValueException(field, "is too long");
    }
    String ascii;
    if (isStd3Ascii(name)) {
      // What toASCII returns for such a name, unchanged; a bulk load normalizes the same few
      // domains millions of times, and toASCII copies every label through a StringBuilder.
      ascii = name.toLowerCase(Locale.ROOT);
    } else {
      try {
        ascii = IDN.toASCII(name, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
      } catch (IllegalArgumentException e) {
        throw new InvalidValueException(field, "is not a valid domain name");
      }
    }
    if (ascii.length() > 253) {
      throw new InvalidValueException(field, "must be at most 253 characters");
    }
    String[] labels = ascii.split("\\.", -1);
    if (labels.length < 2) {
      throw new InvalidValueException(field, "must have at least two labels, e.g. example.com");
    }
    for (String label : labels) {
      if (!LABEL.matcher(label).matches()) {
        throw new InvalidValueException(field, "is not a valid domain name");
      }
      if (label.startsWith("xn--") && !isALabel(label)) {
        throw new InvalidValueException(
            field, "holds '" + label + "', which is not valid punycode");
      }
    }
    if (NUMERIC.matcher(labels[labels.length - 1]).matches()) {
      throw new InvalidValueException(field, "must not end in a numeric label");
    }
    return ascii;
  }

  /**
   * ASCII letters, digits and hyphens in labels of 1 to 63 characters that neither start nor end
   * with a hyphen: the names {@link IDN#toASCII(String, int)} with STD3 rules passes through as
   * they are (it prepares and encodes only names with non-ASCII characters).
   */
  static boolean isStd3Ascii(String name) {
    int labelStart = 0;
    for (int i = 0; i <= name.length(); i++) {
      char c = i < name.length() ? name.charAt(i) : '.';
      if (c == '.') {
        int length = i - labelStart;
        if (length < 1
            || length > 63
            || name.charAt(labelStart) == '-'
            || name.charAt(i - 1) == '-') {
          return false;
        }
        labelStart = i + 1;
      } else if (!(c >= 'a' && c <= 'z'
          || c >= 'A' && c <= 'Z'
          || c >= '0' && c <= '9'
          || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /**
   * An xn-- label must be canonical Punycode (RFC 3492) of a name that is not plain ASCII and holds
   * only label characters: it decodes, and encodes back to itself. Checked without nameprep, so
   * IDNA2008 labels such as xn--strae-oqa pass; toASCII passes xn-- labels through unchecked.
   */
  private static boolean isALabel(String label) {
    String encoded = label.substring(4);
    return Punycode.decode(encoded)
        .filter(codePoints -> Arrays.stream(codePoints).anyMatch(c -> c >= 0x80))
        .filter(codePoints -> Arrays.stream(codePoints).allMatch(DomainNames::isLabelCodePoint))
        .map(codePoints -> Punycode.encode(codePoints).equals(encoded))
        .orElse(false);
  }

  /**
   * Letters, digits, marks and the hyphen: an approximation of IDNA2008's PVALID that refuses what
   * no registry allocates (controls, spaces, symbols, punctuation).
   */
  private static boolean isLabelCodePoint(int c) {
    if (c < 0x80) {
      return c == '-' || Character.isLetterOrDigit(c);
    }
    int type = Character.getType(c);
    return Character.isLetterOrDigit(c)
        || type == Character.NON_SPACING_MARK
        || type == Character.COMBINING_SPACING_MARK
        || type == Character.ENCLOSING_MARK;
  }

  /**
   * The normalized key of a domain-named resource: the path's, which a body's name (if sent) must
   * equal, since keys are identities and renames are not supported.
   */
  public static String pathKey(String pathKey, String bodyName, String what) {
    String name = normalize(pathKey, "domain");
    if (bodyName != null && !normalize(bodyName, "name").equals(name)) {
      throw new InvalidValueException(
          "name", "must match the " + what + " in the path (renaming is not supported)");
    }
    return name;
  }

  public static String toUnicode(String ascii) {
    return IDN.toUnicode(ascii, IDN.USE_STD3_ASCII_RULES);
  }
}
