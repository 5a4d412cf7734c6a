package io.mailplane.fetchmail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.NeedsDaemons;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The rc file against a corpus of hostile values, parsed back by the real fetchmail (--configdump):
 * every value arrives as exactly one string, and no directive (mda, plugin, preconnect, ...) ever
 * appears.
 */
@NeedsDaemons
class RcFileTest {
  /** Values that try to end the string, the line or the statement, or smuggle a keyword. */
  static final List<String> HOSTILE =
      List.of(
          "plain",
          "with space",
          "quote\"inside",
          "single'quote",
          "back\\slash",
          "trailing\\",
          "\\\"",
          "\" mda \"/bin/sh -c id\"",
          "x\" plugin \"touch /tmp/pwned\" \"",
          "x\" preconnect \"touch /tmp/pwned",
          "' postconnect 'id",
          "a;b,c:d=e",
          "# comment",
          "poll evil.example with proto IMAP",
          "\\x22 mda \\x22id",
          "\\n mda id",
          "é ü 中文 🚀",
          "here there is with password",
          "\\".repeat(250));

  static final java.util.Set<String> KEYWORDS =
      java.util.Set.of(
          "S",
          "set",
          "no",
          "bouncemail",
          "spambounce",
          "poll",
          "with",
          "proto",
          "IMAP",
          "POP3",
          "service",
          "timeout",
          "60",
          "user",
          "there",
          "password",
          "is",
          "here",
          "options",
          "sslproto",
          "sslcertck",
          "sslcertfile",
          "keep",
          "fetchall",
          "folder",
          "smtphost",
          "smtpname",
          "ssl",
          "uidl",
          "lmtp");

  /** Rejected before any rc file is written. */
  static final List<String> REJECTED =
      List.of(
          "new\nline mda \"id\"",
          "carriage\rreturn",
          "nul\0byte",
          "tab\tchar",
          "esc\u001b[0m",
          "del\u007f",
          "c1\u0085next",
          "ls\u2028sep",
          "x".repeat(10_240),
          "");

  static RcFile.Spec spec(String username, String password, List<String> folders) {
    return new RcFile.Spec(
        "imap.example.net",
        null,
        143,
        "imap",
        username,
        password,
        "starttls",
        true,
        "/etc/ssl/certs/ca-certificates.crt",
        folders,
        true,
        false,
        false,
        "127.0.0.1",
        2525,
        "john@example.com",
        60);
  }

  @Test
  void hostileValuesStayOneStringAndNeverBecomeDirectives() throws Exception {
    for (String value : HOSTILE) {
      String rc = RcFile.render(spec(value, value, List.of(value, "INBOX")));
      // Outside the quoted strings only the fixed keywords remain, and inside them no raw quote
      // or backslash of the input: the strings end where the generator ended them.
      for (String line : rc.split("\n")) {
        if (line.startsWith("#")) {
          continue;
        }
        String bare =
            line.replaceAll("\"[A-Za-z0-9@._\\-]*(\\\\x[0-9a-f]{2}[A-Za-z0-9@._-]*)*\"", " S ");
        for (String word : bare.trim().split("[\\s,]+")) {
          assertTrue(KEYWORDS.contains(word), "'" + word + "' in " + line);
        }
      }
      Map<String, String> dump = configdump(rc);
      assertEquals("None", dump.get("mda"), value);
      assertEquals("None", dump.get("plugin"), value);
      assertEquals("None", dump.get("plugout"), value);
      assertEquals("None", dump.get("preconnect"), value);
      assertEquals("None", dump.get("postconnect"), value);
      assertEquals("None", dump.get("bsmtp"), value);
      if (value.chars().allMatch(c -> c < 0x80)) {
        // (--configdump prints bytes above 0x7f in a lossy form of its own: compared for ASCII.)
        assertEquals(python(value), dump.get("remote"), value);
        assertEquals(python(value), dump.get("password"), value);
      }
      assertEquals("\"imap.example.net\"", dump.get("pollname"), value);
      assertEquals("1", dump.get("servers"), "one server entry for " + value);
      assertEquals("1", dump.get("users"), "one user entry for " + value);
    }
  }

  @Test
  void controlCharactersAndOversizedValuesAreRejected() {
    for (String value : REJECTED) {
      assertThrows(
          IllegalArgumentException.class, () -> RcFile.render(spec(value, "pw", List.of())));
      assertThrows(
          IllegalArgumentException.class, () -> RcFile.render(spec("u", value, List.of())));
      assertThrows(
          IllegalArgumentException.class, () -> RcFile.render(spec("u", "pw", List.of(value))));
    }
  }

  @Test
  void hostsAreHostNamesOrAddresses() {
    assertEquals("imap.example.net", RcFile.normalizeHost("IMAP.Example.NET"));
    assertEquals("xn--bcher-kva.example", RcFile.normalizeHost("bücher.example"));
    assertEquals("127.0.0.1", RcFile.normalizeHost("127.0.0.1"));
    assertEquals("::1", RcFile.normalizeHost("::1"));
    // The C library reads these as IPv4 addresses too: stored (and judged) as the dotted quad.
    assertEquals("127.0.0.1", RcFile.normalizeHost("2130706433"));
    assertEquals("127.0.0.1", RcFile.normalizeHost("0x7f000001"));
    assertEquals("127.0.0.1", RcFile.normalizeHost("0177.0.0.1"));
    assertEquals("127.0.0.1", RcFile.normalizeHost("127.1"));
    assertEquals("127.0.0.1", RcFile.normalizeHost("127.0.0.1."));
    assertEquals("127.0.0.1", RcFile.normalizeHost("127.000.000.001"));
    assertEquals("169.254.169.254", RcFile.normalizeHost("0xa9.0xfe.0xa9.0xfe"));
    assertEquals("10.0.0.1", RcFile.normalizeHost("10.1"));
    assertEquals("0.0.0.0", RcFile.normalizeHost("0"));
    for (String bad :
        List.of(
            "evil\" mda \"id",
            "a b",
            "host\nmda",
            "-leading.example",
            "x".repeat(300),
            "a..b",
            "1:2:3:x::",
            "under_score.example",
            "host;rm",
            "1.2.3.4.5",
            "08.0.0.1",
            "4294967296",
            "256.0.0.1",
            "mail.0x1",
            "")) {
      assertThrows(IllegalArgumentException.class, () -> RcFile.normalizeHost(bad), bad);
    }
  }

  @Test
  void theFileSaysWhatTheAccountSays() throws Exception {
    String rc =
        RcFile.render(
            new RcFile.Spec(
                "127.0.0.1",
                null,
                1110,
                "pop3",
                "u",
                "p",
                "none",
                true,
                null,
                List.of(),
                false,
                true,
                true,
                "127.0.0.1",
                2424,
                "t@example.com",
                30));
    Map<String, String> dump = configdump(rc);
    assertEquals("\"POP3\"", dump.get("protocol"));
    assertEquals("\"1110\"", dump.get("service"));
    assertEquals("FALSE", dump.get("keep"));
    assertEquals("TRUE", dump.get("fetchall"));
    assertEquals("TRUE", dump.get("lmtp"));
    assertEquals("FALSE", dump.get("sslcertck"));
    assertEquals("\"\"", dump.get("sslproto"));
    assertTrue(rc.contains("smtphost \"127.0.0.1\\x2f2424\""), rc);
  }

  @Test
  void everyCombinationParses() throws Exception {
    for (String protocol : List.of("imap", "pop3")) {
      for (String tls : List.of("none", "starttls", "tls")) {
        for (boolean flag : List.of(true, false)) {
          String rc =
              RcFile.render(
                  new RcFile.Spec(
                      "mail.example.net",
                      flag ? "192.0.2.7" : null,
                      993,
                      protocol,
                      "u",
                      "p",
                      tls,
                      flag,
                      flag ? "/etc/ssl/certs/ca-certificates.crt" : null,
                      protocol.equals("imap") && flag ? List.of("INBOX", "Archive") : List.of(),
                      flag,
                      !flag,
                      !flag,
                      "127.0.0.1",
                      2525,
                      "t@example.com",
                      30));
          Map<String, String> dump = configdump(rc);
          assertEquals(flag ? "TRUE" : "FALSE", dump.get("keep"), rc);
          assertEquals(tls.equals("tls") ? "TRUE" : "FALSE", dump.get("ssl"), rc);
          assertEquals(protocol.equals("pop3") && flag ? "TRUE" : "FALSE", dump.get("uidl"), rc);
          // Pinned to the checked address; the certificate name (and SNI) stays the host name.
          assertEquals(flag ? "\"192.0.2.7\"" : "None", dump.get("via"), rc);
          assertEquals(
              flag && !tls.equals("none") ? "\"mail.example.net\"" : "None",
              dump.get("sslcommonname"),
              rc);
        }
      }
    }
  }

  /** fetchmail --configdump of the rc, as key → value of the (only) server and user. */
  static Map<String, String> configdump(String rc) throws Exception {
    Path dir =
        Files.createTempDirectory(
            "rctest",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    try {
      Path file = dir.resolve("rc");
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, rc, StandardCharsets.UTF_8);
      ProcessBuilder builder =
          new ProcessBuilder("fetchmail", "-f", file.toString(), "--configdump")
              .redirectErrorStream(true);
      builder.environment().put("HOME", dir.toString());
      Process process = builder.start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(process.waitFor(20, TimeUnit.SECONDS));
      assertEquals(0, process.exitValue(), out + "\n--- rc ---\n" + rc);
      Map<String, String> values = new java.util.HashMap<>();
      Matcher m = Pattern.compile("(?m)^\\s*[\"']([a-z_]+)[\"']:(.*?),?$").matcher(out);
      while (m.find()) {
        values.putIfAbsent(m.group(1), m.group(2).strip());
      }
      values.put("servers", Integer.toString(count(out, "\"pollname\":")));
      values.put("users", Integer.toString(count(out, "\"remote\":")));
      return values;
    } finally {
      try (var paths = Files.walk(dir)) {
        for (Path p : new ArrayList<>(paths.sorted(java.util.Comparator.reverseOrder()).toList())) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  /** How --configdump prints a string (its visbuf: C-style escapes, quoted). */
  static String python(String value) {
    StringBuilder out = new StringBuilder("\"");
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c == '"' || c == '\\') {
        out.append('\\').append((char) c);
      } else {
        out.append((char) c);
      }
    }
    return out.append('"').toString();
  }
}
