package io.mailplane.mailflow;

import io.mailplane.MailDaemons;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

/**
 * Talks to the real Postfix and Dovecot that deploy/local/mail-services.sh runs: SMTP 2525 (as
 * another server would), submission 5587 (STARTTLS + AUTH), IMAP 1143 and POP3 1110 (STARTTLS). The
 * same variables that move the script's daemons move the client (as system properties or
 * environment variables): MAILPLANE_SMTP_LISTEN, MAILPLANE_SUBMISSION_LISTEN (host:port),
 * MAILPLANE_IMAP_PORT, MAILPLANE_POP3_PORT and MAILPLANE_MAIL_DIR; on a PostgreSQL run the
 * PostgreSQL-reading copy's (io.mailplane.MailDaemons).
 */
final class MailClient {
  static final String HOST = "127.0.0.1";
  static final int SMTP = MailDaemons.port("MAILPLANE_SMTP_LISTEN");
  static final int SUBMISSION = MailDaemons.port("MAILPLANE_SUBMISSION_LISTEN");
  static final int IMAP = MailDaemons.port("MAILPLANE_IMAP_PORT");
  static final int POP3 = MailDaemons.port("MAILPLANE_POP3_PORT");
  static final String STATE = MailDaemons.setting("MAILPLANE_MAIL_DIR");

  /** A system property wins over the environment variable of the same name. */
  static String setting(String name, String fallback) {
    String value = System.getProperty(name, System.getenv(name));
    return value == null || value.isBlank() ? fallback : value.strip();
  }

  private static int port(String listen) {
    return Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
  }

  private MailClient() {}

  /** A subject no other message has, to find exactly this mail. */
  static String subject() {
    return "mailplane-test-" + UUID.randomUUID();
  }

  /** Sends as an unauthenticated peer MTA; throws when Postfix refuses. */
  static void send(String from, String to, String subject) throws MessagingException {
    send(SMTP, from, to, subject);
  }

  /** Sends as an unauthenticated peer MTA to the Postfix on {@code port} (another copy's). */
  static void send(int port, String from, String to, String subject) throws MessagingException {
    Properties props = new Properties();
    props.put("mail.smtp.host", HOST);
    props.put("mail.smtp.port", Integer.toString(port));
    props.put("mail.smtp.localhost", "peer.mailplane.test");
    Session session = Session.getInstance(props);
    Transport.send(message(session, from, to, subject));
  }

  /** Submits with SMTP AUTH over STARTTLS, as a mail client would. */
  static void submit(String login, String password, String from, String to, String subject)
      throws MessagingException {
    submit(login, password, from, to, subject, from);
  }

  /**
   * Submits with the envelope sender {@code envelope} ("" for the null sender) and one From header
   * per entry of {@code fromHeaders}, each written as given.
   */
  static void submit(
      String login,
      String password,
      String envelope,
      String to,
      String subject,
      String... fromHeaders)
      throws MessagingException {
    submit(
        login,
        password,
        envelope,
        to,
        subject,
        Arrays.stream(fromHeaders).map(from -> "From: " + from).toList());
  }

  /**
   * Submits with the envelope sender {@code envelope} ("" for the null sender), no From header of
   * its own and each of {@code headerLines} ("Name: value") added as written.
   */
  static void submit(
      String login,
      String password,
      String envelope,
      String to,
      String subject,
      List<String> headerLines)
      throws MessagingException {
    Session session = submissionSession(envelope);
    MimeMessage message = message(session, envelope.isEmpty() ? to : envelope, to, subject);
    message.removeHeader("From");
    for (String line : headerLines) {
      int colon = line.indexOf(':');
      message.addHeader(line.substring(0, colon), line.substring(colon + 1).strip());
    }
    message.saveChanges();
    Transport.send(message, login, password);
  }

  private static Session submissionSession(String envelope) {
    Properties props = new Properties();
    props.put("mail.smtp.from", envelope.isEmpty() ? "<>" : envelope);
    props.put("mail.smtp.host", HOST);
    props.put("mail.smtp.port", Integer.toString(SUBMISSION));
    props.put("mail.smtp.auth", "true");
    props.put("mail.smtp.starttls.enable", "true");
    props.put("mail.smtp.starttls.required", "true");
    props.put("mail.smtp.ssl.trust", "*");
    props.put("mail.smtp.localhost", "client.mailplane.test");
    return Session.getInstance(props);
  }

  /**
   * The reply code of RCPT TO after MAIL FROM:&lt;someone@peer.example&gt; on a plain SMTP listener
   * (250 when accepted); nothing is sent.
   */
  static int rcptCode(int port, String recipient) throws IOException {
    try (Socket socket = new Socket(HOST, port)) {
      socket.setSoTimeout(30_000);
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      Writer out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.US_ASCII);
      reply(in);
      int code = 0;
      for (String command :
          List.of(
              "EHLO peer.mailplane.test",
              "MAIL FROM:<someone@peer.example>",
              "RCPT TO:<" + recipient + ">")) {
        out.write(command + "\r\n");
        out.flush();
        code = reply(in);
      }
      out.write("QUIT\r\n");
      out.flush();
      return code;
    }
  }

  /** Reads one (possibly multi-line) SMTP reply and returns its code. */
  private static int reply(BufferedReader in) throws IOException {
    String line;
    do {
      line = in.readLine();
      if (line == null) {
        throw new IOException("connection closed");
      }
    } while (line.length() > 3 && line.charAt(3) == '-');
    return Integer.parseInt(line.substring(0, 3));
  }

  private static MimeMessage message(Session session, String from, String to, String subject)
      throws MessagingException {
    MimeMessage message = new MimeMessage(session);
    message.setFrom(new InternetAddress(from));
    message.setRecipients(Message.RecipientType.TO, to);
    message.setSubject(subject);
    message.setText("hello from the mailplane tests\n", StandardCharsets.UTF_8.name());
    return message;
  }

  static Store open(String protocol, String user, String password) throws MessagingException {
    return open(protocol, protocol.equals("imap") ? IMAP : POP3, user, password);
  }

  static Store open(String protocol, int port, String user, String password)
      throws MessagingException {
    Properties props = new Properties();
    props.put("mail." + protocol + ".starttls.enable", "true");
    props.put("mail." + protocol + ".starttls.required", "true");
    props.put("mail." + protocol + ".ssl.trust", "*");
    Store store = Session.getInstance(props).getStore(protocol);
    store.connect(HOST, port, user, password);
    return store;
  }

  static boolean canLogin(String protocol, String user, String password) {
    try (Store store = open(protocol, user, password)) {
      return store.isConnected();
    } catch (MessagingException e) {
      return false;
    }
  }

  /** Subjects in the INBOX, read over the given protocol. */
  static List<String> subjects(String protocol, String user, String password)
      throws MessagingException {
    return subjects(protocol, protocol.equals("imap") ? IMAP : POP3, user, password);
  }

  static List<String> subjects(String protocol, int port, String user, String password)
      throws MessagingException {
    try (Store store = open(protocol, port, user, password)) {
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      List<String> subjects = new ArrayList<>();
      for (Message message : inbox.getMessages()) {
        subjects.add(message.getSubject());
      }
      inbox.close(false);
      return subjects;
    }
  }

  /**
   * The raw source (headers and body exactly as Dovecot stored them, CRLF line ends) of the INBOX
   * message with this subject, waiting for it to arrive.
   */
  static byte[] rawMessage(String user, String password, String subject) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (Instant.now().isBefore(deadline)) {
      try (Store store = open("imap", user, password)) {
        Folder inbox = store.getFolder("INBOX");
        inbox.open(Folder.READ_ONLY);
        for (Message message : inbox.getMessages()) {
          if (subject.equals(message.getSubject())) {
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            message.writeTo(raw);
            return raw.toByteArray();
          }
        }
      }
      Thread.sleep(250);
    }
    throw new AssertionError("no message '" + subject + "' for " + user);
  }

  /** Waits until the subject shows up in the user's INBOX (delivery is asynchronous). */
  static boolean arrives(String user, String password, String subject) throws Exception {
    return arrives("imap", user, password, subject, Duration.ofSeconds(30));
  }

  static boolean arrives(
      String protocol, String user, String password, String subject, Duration timeout)
      throws Exception {
    return arrives(
        protocol, protocol.equals("imap") ? IMAP : POP3, user, password, subject, timeout);
  }

  /**
   * Waits for the subject in the INBOX of the Dovecot whose {@code protocol} listens on {@code
   * port}.
   */
  static boolean arrives(
      String protocol, int port, String user, String password, String subject, Duration timeout)
      throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (subjects(protocol, port, user, password).contains(subject)) {
        return true;
      }
      Thread.sleep(250);
    }
    return false;
  }

  /** Runs a doveadm command against the test Dovecot and returns its output. */
  static String doveadm(String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of("doveadm", "-c", STATE + "/dovecot/dovecot.conf"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor();
    return output;
  }
}
