package io.mailplane.mailflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Dovecot 2.4 file for the seed's image cannot be run here (Debian 12 ships 2.3), so this keeps
 * its SQL identical to the 2.3 file the end-to-end tests run.
 */
class DovecotConfigTest {
  static final Path V23 = Path.of("deploy/mda/dovecot-sql.conf.ext");
  static final Path V24 = Path.of("deploy/mda/conf.d/10-auth.conf");

  @Test
  void passdbQueriesAreTheSame() throws IOException {
    assertEquals(
        find(V23, "password_query = (.*)"),
        to23(find(V24, "(?s)passdb sql \\{.*?query = (.*?)\\n")));
  }

  @Test
  void userdbLookupsSelectTheSameRows() throws IOException {
    assertEquals(
        rows(find(V23, "user_query = (.*)")),
        rows(to23(find(V24, "(?s)userdb sql \\{.*?query = (.*?)\\n"))));
    assertEquals(
        rows(find(V23, "iterate_query = (.*)")), rows(to23(find(V24, "iterate_query = (.*)"))));
  }

  private static String to23(String query) {
    return query.replace("%{user}", "%u").replace("%{protocol}", "%s");
  }

  /** FROM and WHERE: which rows a query reads; the column names differ between versions. */
  private static String rows(String query) {
    return query.substring(query.indexOf(" FROM "));
  }

  private static String find(Path file, String regex) throws IOException {
    Matcher m = Pattern.compile(regex).matcher(Files.readString(file));
    if (!m.find()) {
      throw new AssertionError(regex + " not found in " + file);
    }
    return m.group(1).strip();
  }
}
