package io.mailplane.push;

import static io.mailplane.TestApi.createDomain;
import static io.mailplane.TestApi.createMailboxWithHash;
import static io.mailplane.TestApi.disableMailbox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailplane.NeedsDaemons;
import io.mailplane.TestApi;
import io.mailplane.mailflow.ManageSieve;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, item 5: mailplane's Dovecot 2.4 files (deploy/mda/conf.d) and the seed's unchanged v8.0
 * 10-auth.conf in a real Dovecot 2.4.1 (Debian 13, in a chroot: deploy/local/
 * dovecot24-services.sh), against the database this test writes through the API: authentication,
 * user and quota lookups, IMAP LOGIN, and the doveadm HTTP API the push target calls. On the engine
 * the suite runs on (-Dmailplane.db): on PostgreSQL the instances of the PostgreSQL-reading copy
 * (test-services.sh, variables MAILPLANE_PG_*), whose driver is the seed's pgsql one.
 */
@QuarkusTest
@NeedsDaemons
class Dovecot24Test {
  static final String PASSWORD = "Dovecot-24-Password-1";
  static final Path SCRIPT = Path.of("deploy/local/dovecot24-services.sh");
  static final boolean POSTGRESQL = "postgresql".equals(System.getProperty("mailplane.db"));

  /** Dovecot's name of the engine, as DB_DRIVER says it. */
  static final String DRIVER = POSTGRESQL ? "pgsql" : "mysql";

  /** The copy's variable set: the PostgreSQL-reading copy's is the first one's renamed. */
  static final Map<String, String> COPY = copyEnvironment();

  /** Default ports are the first copy's, or its PostgreSQL-reading copy's 50 above. */
  static final int DEFAULT_OFFSET = POSTGRESQL ? 50 : 0;

  static final int IMAP =
      Integer.parseInt(
          COPY.getOrDefault("MAILPLANE_DOVECOT24_IMAP_PORT", "" + (1243 + DEFAULT_OFFSET)));
  static final String DOVEADM_URL =
      "http://127.0.0.1:"
          + COPY.getOrDefault("MAILPLANE_DOVECOT24_DOVEADM_HTTP_PORT", "" + (8191 + DEFAULT_OFFSET))
          + "/doveadm/v1";
  static final int MANAGESIEVE =
      Integer.parseInt(
          COPY.getOrDefault("MAILPLANE_DOVECOT24_MANAGESIEVE_PORT", "" + (4291 + DEFAULT_OFFSET)));
  static final String API_KEY =
      System.getenv().getOrDefault("MAILPLANE_DOVEADM_API_KEY", "mailplane-test-doveadm-key");

  /** bcrypt at cost 4 (Dovecot's own tool): the auth matrix stays fast. */
  static String cheapHash;

  @Inject LoginStates logins;
  @Inject ObjectMapper json;

  String d;

  @BeforeEach
  void fixture() throws Exception {
    if (cheapHash == null) {
      cheapHash = run(List.of("doveadm", "pw", "-s", "BLF-CRYPT", "-r", "4", "-p", PASSWORD));
      cheapHash = cheapHash.strip();
    }
    d = createDomain();
    createMailboxWithHash("john@" + d, cheapHash, Map.of());
    createMailboxWithHash("noreply@" + d, cheapHash, Map.of("sendOnly", true));
    createMailboxWithHash("quota@" + d, cheapHash, Map.of("quotaMb", 321));
    createMailboxWithHash("dis@" + d, cheapHash, Map.of());
    disableMailbox("dis@" + d);
  }

  @Test
  void mailplanesFilesAndTheSeedsAnswerAlikeInDovecot24() throws Exception {
    // Both instances read the suite's engine through the seed's driver file for it.
    assertEquals(DRIVER, doveadm("mailplane", "config", "-h", "sql_driver").strip());
    assertTrue(doveadm("seed", "config").contains("sql_driver = " + DRIVER));
    assertTrue(authTest("mailplane", "john@" + d, PASSWORD, "imap"));
    assertTrue(authTest("mailplane", "JOHN@" + d.toUpperCase(), PASSWORD, "imap"));
    assertTrue(authTest("mailplane", "noreply@" + d, PASSWORD, "smtp"));
    // Each failed authentication costs auth_failure_delay (2 s): the matrix is chosen.
    List<List<String>> cases =
        List.of(
            List.of("john@" + d, PASSWORD, "imap"),
            List.of("John@" + d, PASSWORD, "pop3"),
            List.of("john@" + d, "wrong-password", "imap"),
            List.of("noreply@" + d, PASSWORD, "imap"),
            List.of("noreply@" + d, PASSWORD, "smtp"),
            List.of("dis@" + d, PASSWORD, "imap"),
            List.of("nobody@" + d, PASSWORD, "imap"));
    for (List<String> c : cases) {
      assertEquals(
          authTest("seed", c.get(0), c.get(1), c.get(2)),
          authTest("mailplane", c.get(0), c.get(1), c.get(2)),
          String.join(" ", c));
    }
    String ours = doveadm("mailplane", "user", "quota@" + d);
    String seeds = doveadm("seed", "user", "quota@" + d);
    assertTrue(ours.contains("quota_storage_size\t321M"), ours);
    assertTrue(seeds.contains("quota_storage_size\t321M"), seeds);
    // The quota plugin reads the limit from the userdb field.
    String quota = doveadm("mailplane", "quota", "get", "-u", "quota@" + d);
    assertTrue(quota.contains("328704"), quota);
  }

  @Test
  void imapLoginWorksInDovecot24() throws Exception {
    assertTrue(imapLogin("john@" + d, PASSWORD));
  }

  /**
   * deploy/mda/conf.d/99-mailplane-sieve.conf in Dovecot 2.4.1: a ManageSieve session (as
   * Roundcube's plugin) logs in with the mail password, stores a vacation script and activates it;
   * the file lands in the user's home where LMTP's Sieve reads it. A disabled mailbox is refused.
   */
  @Test
  void manageSieveStoresAndActivatesAScriptInDovecot24() throws Exception {
    try (ManageSieve sieve = new ManageSieve(MANAGESIEVE)) {
      assertTrue(sieve.capabilities().stream().anyMatch(c -> c.contains("vacation")));
      String auth = sieve.authenticate("john@" + d, PASSWORD);
      assertTrue(auth.startsWith("OK"), auth);
      String script = "require [\"vacation\"];\r\nvacation :days 1 \"I am away.\";\r\n";
      String put = sieve.putScript("away", script);
      assertTrue(put.startsWith("OK"), put);
      String active = sieve.setActive("away");
      assertTrue(active.startsWith("OK"), active);
      assertEquals(List.of("\"away\" ACTIVE"), sieve.listScripts());
    }
    try (ManageSieve sieve = new ManageSieve(MANAGESIEVE)) {
      assertTrue(sieve.authenticate("dis@" + d, PASSWORD).startsWith("NO"));
    }
  }

  /**
   * The push target against 2.4.1, whose doveadm server dies on authCacheFlush over HTTP: after a
   * password change the old password works from the auth cache until the target has applied the
   * change, and not after (the target fell back to a reload).
   */
  @Test
  void aChangedPasswordStopsWorkingOnDovecot24sImap() throws Exception {
    String address = "john@" + d;
    assertTrue(imapLogin(address, PASSWORD));
    String changed = "Dovecot-24-Password-2";
    TestApi.changePassword(address, changed);
    assertTrue(imapLogin(address, PASSWORD), "no cached login: this test proves nothing");

    DoveadmTarget target =
        new DoveadmTarget(DOVEADM_URL, API_KEY, Duration.ofSeconds(30), logins, json);
    target.apply(List.of(new PushTarget.Change(Outbox.MAILBOX, address)));

    assertFalse(target.flushesOverHttp(), "2.4.1 flushed over HTTP: the fallback is untested");
    assertFalse(imapLogin(address, PASSWORD), "the old password still works");
    assertTrue(imapLogin(address, changed));
    // The next change goes straight to the reload, and the one after that is honoured too.
    TestApi.changePassword(address, PASSWORD);
    target.apply(List.of(new PushTarget.Change(Outbox.MAILBOX, address)));
    assertFalse(imapLogin(address, changed), "the second old password still works");
    assertTrue(imapLogin(address, PASSWORD));
  }

  private static boolean imapLogin(String user, String password) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", IMAP)) {
      socket.setSoTimeout(30_000);
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      OutputStream out = socket.getOutputStream();
      assertTrue(in.readLine().startsWith("* OK"));
      out.write(("a LOGIN \"" + user + "\" \"" + password + "\"\r\n").getBytes());
      out.flush();
      String line;
      do {
        line = in.readLine();
      } while (line != null && !line.startsWith("a "));
      out.write("b LOGOUT\r\n".getBytes());
      out.flush();
      return line != null && line.startsWith("a OK");
    }
  }

  /**
   * The doveadm HTTP API of Dovecot 2.4.1 as the push target uses it: its reload (after a
   * certificate change) through the target itself, and kick. authCacheFlush: see {@link
   * #aChangedPasswordStopsWorkingOnDovecot24sImap}.
   */
  @Test
  void theDoveadmHttpApiServesThePushTargetInDovecot24() throws Exception {
    DoveadmTarget target =
        new DoveadmTarget(DOVEADM_URL, API_KEY, Duration.ofSeconds(30), logins, json);
    target.apply(List.of(new PushTarget.Change(Outbox.TLS, "mail")));
    HttpResponse<String> kick =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .build()
            .send(
                HttpRequest.newBuilder(URI.create(DOVEADM_URL))
                    .timeout(Duration.ofSeconds(30))
                    .header(
                        "Authorization",
                        "X-Dovecot-API "
                            + Base64.getEncoder()
                                .encodeToString(API_KEY.getBytes(StandardCharsets.UTF_8)))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "[[\"kick\",{\"mask\":[\"dis@" + d + "\"]},\"kick0\"]]"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, kick.statusCode(), kick.body());
    assertTrue(kick.body().contains("\"doveadmResponse\""), kick.body());
    assertTrue(authTest("mailplane", "john@" + d, PASSWORD, "imap"));
  }

  private static boolean authTest(String instance, String user, String password, String service)
      throws Exception {
    return doveadm(instance, "auth", "test", "-x", "service=" + service, user, password)
        .contains("auth succeeded");
  }

  private static String doveadm(String instance, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(SCRIPT.toString(), "doveadm", instance));
    command.addAll(List.of(args));
    return run(command);
  }

  private static Map<String, String> copyEnvironment() {
    Map<String, String> copy = new HashMap<>(System.getenv());
    if (POSTGRESQL) {
      copy.putIfAbsent("MAILPLANE_PG_DOVECOT24_NAME", "mailplane-pg");
      copy.putIfAbsent("MAILPLANE_PG_MAIL_DB_DRIVER", "pgsql");
      new HashMap<>(copy)
          .forEach(
              (name, value) -> {
                if (name.startsWith("MAILPLANE_PG_")) {
                  copy.put("MAILPLANE_" + name.substring("MAILPLANE_PG_".length()), value);
                }
              });
    }
    return Map.copyOf(copy);
  }

  private static String run(List<String> command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().putAll(COPY);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish");
    }
    if (output.contains("Fatal") || output.contains("Error: sql")) {
      throw new AssertionError(String.join(" ", command) + ": " + output);
    }
    return output;
  }
}
