package io.mailplane.fetchmail;

import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Writes fetchmail's run-control file. An injected {@code mda}, {@code plugin} or {@code
 * preconnect} line would be remote code execution, so nothing the API accepts is written raw:
 *
 * <ul>
 *   <li>every value is checked here again (the service checks the same rules first, to answer 400):
 *       no control characters, bounded lengths, hosts in host-name or IP syntax;
 *   <li>every string is written inside double quotes with every byte outside {@code
 *       [A-Za-z0-9@._-]} as a {@code \xHH} escape (fetchmail's lexer decodes these inside strings),
 *       so no quote, backslash, space, separator or newline of the input ever reaches the file as
 *       itself.
 * </ul>
 *
 * The rest of the file is fixed text; numbers are formatted from ints.
 */
public final class RcFile {
  static final int MAX_USERNAME = 320;
  static final int MAX_PASSWORD = 1024;
  static final int MAX_FOLDER = 255;
  static final int MAX_FOLDERS = 50;

  private static final Pattern HOST_NAME =
      Pattern.compile(
          "(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*");
  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-f:.]{2,45}");

  /** A last label no top-level domain has: the name is a number form of an IPv4 address. */
  private static final Pattern NUMERIC_LABEL = Pattern.compile("(?:^|.*\\.)(?:[0-9]+|0x[0-9a-f]*)");

  /**
   * What one run needs; every string is re-validated by {@link #render}. {@code via} is the checked
   * address fetchmail connects to instead of resolving {@code host} (null: resolve host).
   */
  public record Spec(
      String host,
      String via,
      int port,
      String protocol,
      String username,
      String password,
      String tlsMode,
      boolean verifyCertificate,
      String caFile,
      List<String> folders,
      boolean keep,
      boolean fetchAll,
      boolean lmtp,
      String deliveryHost,
      int deliveryPort,
      String recipient,
      int timeoutSeconds) {
    /** The same run, connecting to the checked address. */
    public Spec withVia(String address) {
      return new Spec(
          host,
          address,
          port,
          protocol,
          username,
          password,
          tlsMode,
          verifyCertificate,
          caFile,
          folders,
          keep,
          fetchAll,
          lmtp,
          deliveryHost,
          deliveryPort,
          recipient,
          timeoutSeconds);
    }
  }

  private RcFile() {}

  /**
   * Normalizes a remote host: lowercase, IDN to A-label; IPv4 or IPv6 literals as given, except
   * that the other notations of an IPv4 address the C library accepts (2130706433, 0x7f000001,
   * 0177.0.0.1, 127.1) become the dotted quad they denote, so that they are judged as addresses.
   *
   * @throws IllegalArgumentException with a message fit for a 400
   */
  public static String normalizeHost(String host) {
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("must not be empty");
    }
    if (host.length() > 253) {
      throw new IllegalArgumentException("must be at most 253 characters");
    }
    String lower = host.toLowerCase(Locale.ROOT);
    if (IPV4.matcher(lower).matches()) {
      return lower;
    }
    if (lower.indexOf(':') >= 0) {
      if (IPV6.matcher(lower).matches() && isIpv6(lower)) {
        return lower;
      }
      throw new IllegalArgumentException("not a host name or IP address");
    }
    String ascii;
    try {
      ascii = IDN.toASCII(lower, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a host name or IP address");
    }
    if (ascii.endsWith(".")) {
      ascii = ascii.substring(0, ascii.length() - 1);
    }
    if (!HOST_NAME.matcher(ascii).matches()) {
      throw new IllegalArgumentException("not a host name or IP address");
    }
    if (NUMERIC_LABEL.matcher(ascii).matches()) {
      long value = inetAton(ascii);
      if (value < 0) {
        throw new IllegalArgumentException("not a host name or IP address");
      }
      return (value >>> 24)
          + "."
          + ((value >>> 16) & 0xff)
          + "."
          + ((value >>> 8) & 0xff)
          + "."
          + (value & 0xff);
    }
    return ascii;
  }

  /**
   * The IPv4 address inet_aton(3) reads from the text — one to four parts, each decimal, octal
   * (leading 0) or hexadecimal (0x), the last filling the remaining bytes — or -1.
   */
  static long inetAton(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length > 4) {
      return -1;
    }
    long result = 0;
    for (int i = 0; i < parts.length; i++) {
      long part = atonPart(parts[i]);
      int bits = i == parts.length - 1 ? 8 * (4 - i) : 8;
      if (part < 0 || part >= (1L << bits)) {
        return -1;
      }
      result = (result << 8 * (i == parts.length - 1 ? 4 - i : 1)) | part;
    }
    return result;
  }

  private static long atonPart(String part) {
    int radix = 10;
    String digits = part;
    if (part.startsWith("0x")) {
      radix = 16;
      digits = part.substring(2);
      if (digits.isEmpty()) {
        return 0;
      }
    } else if (part.length() > 1 && part.startsWith("0")) {
      radix = 8;
      digits = part.substring(1);
    }
    if (digits.isEmpty() || digits.length() > 11) {
      return -1;
    }
    try {
      return Long.parseLong(digits, radix);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static boolean isIpv6(String literal) {
    // getByName parses a literal with a colon itself (no DNS lookup) and fails when malformed; an
    // IPv4-mapped one comes back as the Inet4Address it carries.
    try {
      java.net.InetAddress.getByName("[" + literal + "]");
      return true;
    } catch (java.net.UnknownHostException | SecurityException e) {
      return false;
    }
  }

  /** An IPv4 address in the one notation everyone reads the same way. */
  static boolean isDottedQuad(String text) {
    return IPV4.matcher(text).matches();
  }

  /**
   * Checks a free-text value (user name, password, folder).
   *
   * @throws IllegalArgumentException with a message fit for a 400 (never echoing the value)
   */
  public static void checkText(String value, int maxLength) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("must not be empty");
    }
    if (value.length() > maxLength) {
      throw new IllegalArgumentException("must be at most " + maxLength + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x2028 || c == 0x2029) {
        throw new IllegalArgumentException("must not contain control characters or line breaks");
      }
      if (Character.isSurrogate(c)
          && (!Character.isHighSurrogate(c)
              || i + 1 >= value.length()
              || !Character.isLowSurrogate(value.charAt(++i)))) {
        throw new IllegalArgumentException("is not valid Unicode");
      }
    }
  }

  /** The file's text. Throws IllegalArgumentException when a value breaks a rule. */
  public static String render(Spec spec) {
    String host = normalizeHost(spec.host());
    if (!host.equals(spec.host())) {
      throw new IllegalArgumentException("host is not normalized");
    }
    checkText(spec.username(), MAX_USERNAME);
    checkText(spec.password(), MAX_PASSWORD);
    checkText(spec.recipient(), MAX_USERNAME);
    checkText(spec.deliveryHost(), 253);
    if (spec.via() != null && Destinations.literal(spec.via()) == null) {
      throw new IllegalArgumentException("via must be an IP address");
    }
    if (spec.folders().size() > MAX_FOLDERS) {
      throw new IllegalArgumentException("too many folders");
    }
    spec.folders().forEach(folder -> checkText(folder, MAX_FOLDER));
    checkPort(spec.port());
    checkPort(spec.deliveryPort());
    String protocol =
        switch (spec.protocol()) {
          case "imap" -> "IMAP";
          case "pop3" -> "POP3";
          default -> throw new IllegalArgumentException("protocol must be imap or pop3");
        };
    if (spec.timeoutSeconds() < 1 || spec.timeoutSeconds() > 86_400) {
      throw new IllegalArgumentException("timeout out of range");
    }

    StringBuilder rc = new StringBuilder();
    rc.append("# generated by mailplane; every value is quoted and escaped\n");
    // Delivery problems are reported in the run, never bounced to the (possibly forged) sender.
    rc.append("set no bouncemail\n");
    rc.append("set no spambounce\n");
    rc.append("poll ")
        .append(quote(host))
        .append(" with proto ")
        .append(protocol)
        .append(" service ")
        .append(quote(Integer.toString(spec.port())));
    if (spec.via() != null) {
      // fetchmail connects here instead of resolving the poll name (which it keeps as label).
      rc.append(" via ").append(quote(spec.via()));
    }
    rc.append(" timeout ").append(spec.timeoutSeconds());
    if (spec.protocol().equals("pop3") && spec.keep()) {
      // POP3 has no \Seen flag: with keep, fetchmail's id file is what prevents refetching.
      rc.append(" uidl");
    }
    rc.append('\n');
    rc.append("  user ")
        .append(quote(spec.username()))
        .append(" there with password ")
        .append(quote(spec.password()))
        .append(" is ")
        .append(quote(spec.recipient()))
        .append(" here\n");
    rc.append("  options");
    switch (spec.tlsMode()) {
      case "none" -> rc.append(" sslproto ").append(quote("")).append(" no sslcertck");
      case "starttls" -> rc.append(" sslproto ").append(quote("TLS1.2+"));
      case "tls" -> rc.append(" ssl sslproto ").append(quote("TLS1.2+"));
      default -> throw new IllegalArgumentException("tls must be none, starttls or tls");
    }
    if (!spec.tlsMode().equals("none")) {
      if (spec.via() != null) {
        // With via, fetchmail would send the address as SNI and check the certificate against it;
        // sslcommonname makes both the host name again.
        rc.append(" sslcommonname ").append(quote(host));
      }
      if (spec.verifyCertificate()) {
        rc.append(" sslcertck");
        if (spec.caFile() != null) {
          checkText(spec.caFile(), 4096);
          rc.append(" sslcertfile ").append(quote(spec.caFile()));
        }
      } else {
        rc.append(" no sslcertck");
      }
    }
    rc.append(spec.keep() ? " keep" : " no keep");
    rc.append(spec.fetchAll() ? " fetchall" : " no fetchall");
    rc.append('\n');
    if (!spec.folders().isEmpty()) {
      rc.append("  folder ");
      for (int i = 0; i < spec.folders().size(); i++) {
        rc.append(i == 0 ? "" : ",").append(quote(spec.folders().get(i)));
      }
      rc.append('\n');
    }
    rc.append("  smtphost ")
        .append(quote(spec.deliveryHost() + "/" + spec.deliveryPort()))
        .append(" smtpname ")
        .append(quote(spec.recipient()));
    if (spec.lmtp()) {
      rc.append(" lmtp");
    }
    rc.append('\n');
    return rc.toString();
  }

  private static void checkPort(int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range");
    }
  }

  /** A double-quoted fetchmail string whose every special byte is a \xHH escape. */
  static String quote(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2).append('"');
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '@'
          || c == '.'
          || c == '_'
          || c == '-') {
        out.append((char) c);
      } else {
        out.append("\\x")
            .append(Character.forDigit(c >> 4, 16))
            .append(Character.forDigit(c & 0xf, 16));
      }
    }
    return out.append('"').toString();
  }
}
