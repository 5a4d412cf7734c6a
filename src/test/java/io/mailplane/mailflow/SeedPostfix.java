package io.mailplane.mailflow;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A Postfix of the test's own (not the shared one) on a free loopback port, with the seed's map and
 * recipient restriction settings (jeboehm/docker-mailserver target/mta/Dockerfile, with its
 * recipient_delimiter) over a directory of query files. It answers SMTP up to RCPT; it delivers
 * nothing. Stopped and removed on close.
 */
final class SeedPostfix implements AutoCloseable {
  final int port;
  private final Path dir;

  private SeedPostfix(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /** Starts an instance reading {@code maps}/&lt;map&gt;.cf (copied, so Postfix may read them). */
  static SeedPostfix start(Path maps) throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Path dir = Files.createTempDirectory(Path.of("/var/tmp"), "mailplane-seed-postfix-");
    Path own = dir.resolve("maps");
    Files.createDirectories(own);
    try (var files = Files.list(maps)) {
      for (Path map : files.toList()) {
        Files.copy(map, own.resolve(map.getFileName()));
      }
    }
    run("chmod", "-R", "go-rwx,g+rX", dir.toString());
    run("chgrp", "-R", "postfix", dir.toString());
    Files.createDirectories(dir.resolve("queue"));
    Files.createDirectories(dir.resolve("data"));
    run("chown", "postfix", dir.resolve("data").toString());
    String m = own.toString();
    Files.writeString(
        dir.resolve("main.cf"),
        String.join(
            "\n",
            "compatibility_level = 3.6",
            "queue_directory = " + dir.resolve("queue"),
            "data_directory = " + dir.resolve("data"),
            "mail_owner = postfix",
            "myhostname = seed.mailplane.test",
            "mydestination =",
            "inet_interfaces = loopback-only",
            "inet_protocols = ipv4",
            "mynetworks = 127.0.0.0/8",
            "maillog_file = " + dir.resolve("postfix.log"),
            "default_transport = discard:this test instance delivers nothing",
            "virtual_transport = discard:this test instance delivers nothing",
            "smtp_dns_support_level = disabled",
            "recipient_delimiter = -",
            "virtual_mailbox_domains = mysql:" + m + "/virtual-mailbox-domains.cf",
            "virtual_mailbox_maps = mysql:" + m + "/virtual-mailbox-maps.cf",
            "virtual_alias_maps = mysql:"
                + m
                + "/virtual-alias-maps.cf, mysql:"
                + m
                + "/email2email.cf",
            "smtpd_recipient_restrictions = reject_unauth_destination,"
                + " check_recipient_access mysql:"
                + m
                + "/recipient-access.cf",
            ""));
    Files.copy(Path.of("/etc/postfix/master.cf"), dir.resolve("master.cf"));
    run("postconf", "-c", dir.toString(), "-M#", "smtp/inet");
    Files.writeString(
        dir.resolve("master.cf"),
        "127.0.0.1:" + port + " inet n - n - - smtpd\n",
        java.nio.file.StandardOpenOption.APPEND);
    run("postconf", "-c", dir.toString(), "-F", "*/*/chroot = n");
    SeedPostfix postfix = new SeedPostfix(dir, port);
    try {
      run("postfix", "-c", dir.toString(), "check");
      run("postfix", "-c", dir.toString(), "start");
      postfix.awaitPort();
      return postfix;
    } catch (Exception | AssertionError e) {
      postfix.close();
      throw e;
    }
  }

  private void awaitPort() throws Exception {
    Instant deadline = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(deadline)) {
      try (Socket socket = new Socket(MailClient.HOST, port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(200);
      }
    }
    throw new AssertionError("the seed Postfix never listened on " + port);
  }

  /** Stops the instance (also one that never started) and removes its directory. */
  @Override
  public void close() throws Exception {
    exec("postfix", "-c", dir.toString(), "stop");
    run("rm", "-rf", "--", dir.toString());
  }

  private static void run(String... command) throws Exception {
    String output = exec(command);
    if (output != null) {
      throw new AssertionError(String.join(" ", command) + ": " + output);
    }
  }

  /** Runs the command; null when it succeeded, else its output. */
  private static String exec(String... command) throws Exception {
    Process process =
        new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return process.waitFor() == 0 ? null : output;
  }
}
