package io.mailplane;

import java.util.Map;

/**
 * Where a test finds the Postfix and Dovecot 2.3 that read this run's database engine
 * (-Dmailplane.db, docs/testing.md "Two database engines"). test-services.sh runs two of them per
 * copy: the MariaDB-reading one (MAILPLANE_SMTP_LISTEN, ...) and the PostgreSQL-reading one, whose
 * variables `env` prints as MAILPLANE_PG_<name> and whose ports are the copy's plus 50. On a
 * PostgreSQL run a mailbox written through the API exists only in PostgreSQL, so every question
 * that needs the mailbox (delivery, IMAP/POP3 login, doveadm) must go to the second one. The engine
 * switch alone picks it; the names the tests ask for stay the MariaDB copy's.
 *
 * <p>Daemons that read no mail database (Rspamd, Unbound, Pebble, BIND, Dovecot 2.4) are shared by
 * both runs and are not asked for here.
 */
public final class MailDaemons {
  private static final boolean POSTGRESQL = TestDatabase.postgresql();

  // Defaults of the default copy (offset 0): MariaDB-reading, and PostgreSQL-reading (offset 50).
  private static final Map<String, String[]> DEFAULTS =
      Map.ofEntries(
          Map.entry("MAILPLANE_SMTP_LISTEN", new String[] {"127.0.0.1:2525", "127.0.0.1:2575"}),
          Map.entry(
              "MAILPLANE_SUBMISSION_LISTEN", new String[] {"127.0.0.1:5587", "127.0.0.1:5637"}),
          Map.entry(
              "MAILPLANE_SUBMISSIONS_LISTEN", new String[] {"127.0.0.1:5465", "127.0.0.1:5515"}),
          Map.entry("MAILPLANE_IMAP_PORT", new String[] {"1143", "1193"}),
          Map.entry("MAILPLANE_IMAPS_PORT", new String[] {"1993", "2043"}),
          Map.entry("MAILPLANE_POP3_PORT", new String[] {"1110", "1160"}),
          Map.entry("MAILPLANE_POP3S_PORT", new String[] {"1995", "2045"}),
          Map.entry("MAILPLANE_LMTP_PORT", new String[] {"2424", "2474"}),
          Map.entry("MAILPLANE_MANAGESIEVE_PORT", new String[] {"4290", "4340"}),
          Map.entry(
              "MAILPLANE_MAIL_DIR",
              new String[] {"/var/tmp/mailplane-mail", "/var/tmp/mailplane-pg-mail"}),
          Map.entry("MAILPLANE_TEST_IMAP_PORT", new String[] {"1143", "1193"}));

  private MailDaemons() {}

  /**
   * The value of a mail-daemon variable (a system property wins over the environment variable of
   * the same name) for the copy that reads this run's engine.
   */
  public static String setting(String name) {
    String[] defaults = DEFAULTS.get(name);
    if (defaults == null) {
      throw new IllegalArgumentException("not a mail-daemon setting: " + name);
    }
    String own = POSTGRESQL ? "MAILPLANE_PG_" + name.substring("MAILPLANE_".length()) : name;
    String value = System.getProperty(own, System.getenv(own));
    return value == null || value.isBlank() ? defaults[POSTGRESQL ? 1 : 0] : value.strip();
  }

  /** The port of a setting that is a port or host:port. */
  public static int port(String name) {
    String value = setting(name);
    return Integer.parseInt(value.substring(value.lastIndexOf(':') + 1));
  }
}
