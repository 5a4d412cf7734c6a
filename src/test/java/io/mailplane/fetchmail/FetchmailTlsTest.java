package io.mailplane.fetchmail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.NeedsDaemons;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, item 4, with the real fetchmail (6.4) and a private real Dovecot that offers no TLS at
 * all (ssl = no): does the password reach a server without STARTTLS? Dovecot logs every login
 * attempt with the user name; a session that never sent credentials is logged with user=&lt;&gt;.
 */
@NeedsDaemons
class FetchmailTlsTest {
  private static final String USER = "remote-user";
  private static final String PASSWORD = "Remote-Password-1";

  private static Path dir;
  private static Path conf;
  private static int port;

  @BeforeAll
  static void plainImapServer() throws Exception {
    dir = Files.createTempDirectory("fetchmail-tls");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Files.writeString(dir.resolve("passwd"), USER + ":{PLAIN}" + PASSWORD + "::::::\n");
    conf = dir.resolve("dovecot.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "protocols = imap",
            "listen = 127.0.0.1",
            "base_dir = " + dir.resolve("run"),
            "state_dir = " + dir.resolve("state"),
            "instance_name = fetchmail-tls-" + port,
            "log_path = " + dir.resolve("dovecot.log"),
            "ssl = no",
            "disable_plaintext_auth = no",
            "auth_verbose = yes",
            "mail_location = maildir:" + dir.resolve("mail") + "/%u",
            "mail_uid = vmail",
            "mail_gid = vmail",
            "first_valid_uid = 1",
            "passdb {",
            "  driver = passwd-file",
            "  args = " + dir.resolve("passwd"),
            "}",
            "userdb {",
            "  driver = static",
            "  args = uid=vmail gid=vmail home=" + dir.resolve("mail") + "/%u",
            "}",
            "service imap-login {",
            "  inet_listener imap {",
            "    port = " + port,
            "  }",
            "  inet_listener imaps {",
            "    port = 0",
            "  }",
            "}",
            ""));
    Files.createDirectories(dir.resolve("mail"));
    Files.setPosixFilePermissions(
        dir.resolve("mail"), PosixFilePermissions.fromString("rwxrwxrwx"));
    // The daemon keeps its inherited output open: a file, not a pipe this test would wait on.
    Process start =
        new ProcessBuilder("dovecot", "-c", conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("start.log").toFile())
            .start();
    assertTrue(start.waitFor(30, TimeUnit.SECONDS), "dovecot did not start");
    assertEquals(0, start.exitValue(), Files.readString(dir.resolve("start.log")));
    Instant deadline = Instant.now().plusSeconds(30);
    while (true) {
      try (Socket probe = new Socket("127.0.0.1", port)) {
        break;
      } catch (IOException notYet) {
        if (Instant.now().isAfter(deadline)) {
          throw new AssertionError("private Dovecot did not open port " + port);
        }
        Thread.sleep(100);
      }
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (conf != null) {
      run(List.of("doveadm", "-c", conf.toString(), "stop"), Duration.ofSeconds(30));
    }
  }

  /** The default (tls: starttls), with and without the certificate check: never in clear. */
  @Test
  void starttlsNeverSendsThePasswordToAServerWithoutTls() throws Exception {
    for (boolean verify : List.of(true, false)) {
      Attempt attempt = fetch(rc("starttls", verify));
      assertEquals(2, attempt.exitCode, attempt.output);
      assertFalse(attempt.credentialsArrived, "starttls, verify " + verify + ": " + attempt.log);
    }
  }

  @Test
  void implicitTlsNeverSendsThePasswordToAPlainPort() throws Exception {
    Attempt attempt = fetch(rc("tls", true));
    assertEquals(2, attempt.exitCode, attempt.output);
    assertFalse(attempt.credentialsArrived, attempt.log);
  }

  /** tls: none is the explicit, documented choice to log in without encryption. */
  @Test
  void noneLogsInInClear() throws Exception {
    Attempt attempt = fetch(rc("none", false));
    assertTrue(attempt.credentialsArrived, attempt.log);
    assertTrue(attempt.output.contains("LOGIN"), attempt.output);
  }

  /**
   * What the seed's fetchmailmgr (0.4.0, src/config.js) writes for an account with ssl = 0: no TLS
   * option, only sslcertck or no sslcertck. Measured here so the import's mapping rests on fact:
   * with the check (the seed's default, verifySsl = 1) fetchmail insists on STARTTLS and stops;
   * without it, fetchmail logs in in clear when the server offers no STARTTLS. mailplane takes both
   * as starttls, which never does.
   */
  @Test
  void theSeedsSslOffFileIsSafeOnlyWithTheCertificateCheck() throws Exception {
    Attempt checked = fetch(seedRc("sslcertck"));
    assertEquals(2, checked.exitCode, checked.output);
    assertFalse(checked.credentialsArrived, checked.log);

    Attempt unchecked = fetch(seedRc("no sslcertck"));
    assertTrue(unchecked.credentialsArrived, unchecked.log);
  }

  private static String rc(String tlsMode, boolean verify) {
    return RcFile.render(
        new RcFile.Spec(
            "127.0.0.1",
            null,
            port,
            "imap",
            USER,
            PASSWORD,
            tlsMode,
            verify,
            null,
            List.of(),
            true,
            false,
            false,
            "127.0.0.1",
            1,
            "local@example.com",
            20));
  }

  private static String seedRc(String options) {
    return "set no softbounce\nset no bouncemail\npoll 127.0.0.1 with protocol IMAP port "
        + port
        + "\n  user "
        + USER
        + " there with password \""
        + PASSWORD
        + "\" is fetchmail here options "
        + options
        + "\n  smtphost 127.0.0.1/1\n  smtpname local@example.com\n";
  }

  private record Attempt(int exitCode, String output, String log, boolean credentialsArrived) {}

  /** One run in check mode (log in, count, fetch nothing); what Dovecot saw of it. */
  private static Attempt fetch(String rcText) throws Exception {
    Path run = Files.createTempDirectory(dir, "run");
    Path rc = run.resolve("rc");
    Files.writeString(rc, rcText);
    Files.setPosixFilePermissions(rc, PosixFilePermissions.fromString("rw-------"));
    Path log = dir.resolve("dovecot.log");
    long offset = Files.exists(log) ? Files.size(log) : 0;
    Result result =
        run(
            List.of(
                "fetchmail",
                "-f",
                rc.toString(),
                "-c",
                "-v",
                "--nosyslog",
                "--pidfile",
                run.resolve("pid").toString(),
                "--idfile",
                run.resolve("ids").toString()),
            Duration.ofSeconds(60));
    // The login process logs the session's end (user=<name> once credentials came) right away;
    // wait for that line rather than for a fixed time.
    String seen = "";
    Instant deadline = Instant.now().plusSeconds(20);
    while (Instant.now().isBefore(deadline)) {
      byte[] all = Files.readAllBytes(log);
      seen = new String(all, (int) offset, all.length - (int) offset, StandardCharsets.UTF_8);
      if (seen.contains("imap-login:")) {
        break;
      }
      Thread.sleep(100);
    }
    return new Attempt(result.exitCode, result.output, seen, seen.contains("user=<" + USER + ">"));
  }

  private record Result(int exitCode, String output) {}

  private static Result run(List<String> command, Duration timeout) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish");
    }
    return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }
}
