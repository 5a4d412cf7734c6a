package io.mailplane.mailflow;

import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.createAlias;
import static io.mailplane.TestApi.createAliasDomain;
import static io.mailplane.TestApi.createDomain;
import static io.mailplane.TestApi.createMailbox;
import static io.mailplane.TestApi.disable;
import static io.mailplane.TestApi.uniqueDomain;
import static io.mailplane.mailflow.MailClient.arrives;
import static io.mailplane.mailflow.MailClient.canLogin;
import static io.mailplane.mailflow.MailClient.send;
import static io.mailplane.mailflow.MailClient.subject;
import static io.mailplane.mailflow.MailClient.submit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.NeedsDaemons;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.junit.jupiter.api.Test;

/**
 * Everything configured through the HTTP API only, then proven with the real Postfix and Dovecot
 * (deploy/local/mail-services.sh) reading mailplane's database through deploy/mta and deploy/mda.
 */
@NeedsDaemons
@QuarkusTest
class MailFlowTest {
  static final String PASSWORD = "Correct-Horse-Battery-9";

  @Test
  void deliveredAndReadOverImapAndPop3WithTheApiSetPassword() throws Exception {
    String d = createDomain();
    createMailbox("john@" + d, PASSWORD);
    String subject = subject();
    send("someone@peer.example", "john@" + d, subject);
    assertTrue(arrives("john@" + d, PASSWORD, subject));
    assertTrue(MailClient.subjects("pop3", "john@" + d, PASSWORD).contains(subject));
    assertFalse(canLogin("imap", "john@" + d, "wrong-password-1"));
  }

  @Test
  void importedPasswordHashFromDoveadmWorks() throws Exception {
    String hash = MailClient.doveadm("pw", "-s", "SHA512-CRYPT", "-p", PASSWORD).strip();
    assertTrue(hash.startsWith("{SHA512-CRYPT}$6$"), hash);
    String d = createDomain();
    admin()
        .body(Map.of("address", "imported@" + d, "passwordHash", hash))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(201);
    String subject = subject();
    send("someone@peer.example", "imported@" + d, subject);
    assertTrue(arrives("imported@" + d, PASSWORD, subject));
  }

  @Test
  void aliasFansOutToTwoMailboxes() throws Exception {
    String d = createDomain();
    createMailbox("a@" + d, PASSWORD);
    createMailbox("b@" + d, PASSWORD);
    createAlias("team@" + d, List.of("a@" + d, "b@" + d));
    String subject = subject();
    send("someone@peer.example", "team@" + d, subject);
    assertTrue(arrives("a@" + d, PASSWORD, subject));
    assertTrue(arrives("b@" + d, PASSWORD, subject));
  }

  @Test
  void catchAllTakesUnknownLocalPartsButMailboxesKeepTheirMail() throws Exception {
    String d = createDomain();
    createMailbox("catcher@" + d, PASSWORD);
    createMailbox("owner@" + d, PASSWORD);
    createAlias("@" + d, List.of("catcher@" + d));
    String unknown = subject();
    String own = subject();
    send("someone@peer.example", "whoever@" + d, unknown);
    send("someone@peer.example", "owner@" + d, own);
    assertTrue(arrives("catcher@" + d, PASSWORD, unknown));
    assertTrue(arrives("owner@" + d, PASSWORD, own));
    assertFalse(MailClient.subjects("imap", "catcher@" + d, PASSWORD).contains(own));
  }

  @Test
  void aliasDomainDeliversToTheTargetDomainsMailbox() throws Exception {
    String d = createDomain();
    String alias = uniqueDomain();
    createMailbox("john@" + d, PASSWORD);
    createMailbox("catcher@" + d, PASSWORD);
    createAlias("sales@" + d, List.of("john@" + d));
    createAliasDomain(alias, d);
    String direct = subject();
    String viaAlias = subject();
    send("someone@peer.example", "john@" + alias, direct);
    send("someone@peer.example", "sales@" + alias, viaAlias);
    assertTrue(arrives("john@" + d, PASSWORD, direct));
    assertTrue(arrives("john@" + d, PASSWORD, viaAlias));
    assertEquals(550, rcptCode("nobody@" + alias));
    createAlias("@" + d, List.of("catcher@" + d));
    String unknown = subject();
    send("someone@peer.example", "nobody@" + alias, unknown);
    assertTrue(arrives("catcher@" + d, PASSWORD, unknown));
  }

  @Test
  void disabledOrDeletedMailboxAndDisabledDomainAreRefused() throws Exception {
    String d = createDomain();
    createMailbox("off@" + d, PASSWORD);
    createMailbox("gone@" + d, PASSWORD);
    createMailbox("other@" + d, PASSWORD);
    assertTrue(canLogin("imap", "off@" + d, PASSWORD));

    disable("/api/v1/mailboxes/off@" + d);
    assertRejected("off@" + d);
    assertFalse(canLogin("imap", "off@" + d, PASSWORD));

    admin().delete("/api/v1/mailboxes/gone@" + d).then().statusCode(204);
    assertRejected("gone@" + d);

    disable("/api/v1/domains/" + d);
    assertRejected("other@" + d);
    assertFalse(canLogin("imap", "other@" + d, PASSWORD));
  }

  /**
   * A disabled mailbox is refused at RCPT directly, in any case, through an alias domain and on
   * submission, although a catch-all would take any unknown address; an alias that lists it
   * delivers to its other destinations and bounces the disabled one's copy, which never reaches the
   * catch-all's owner.
   */
  @Test
  void disabledMailboxIsRefusedAndItsMailNeverReachesTheCatchAll() throws Exception {
    CatchAllDomain world = catchAllDomain("member");
    String d = world.domain();
    String alias = world.aliasDomain();
    createAlias("team@" + d, List.of("member@" + d, "left@" + d));
    disable("/api/v1/mailboxes/left@" + d);

    assertRejected("left@" + d);
    assertRejected("Left@" + d.toUpperCase());
    assertRejected("left@" + alias);
    MessagingException refused =
        assertThrows(
            MessagingException.class,
            () -> submit("member@" + d, PASSWORD, "member@" + d, "left@" + d, subject()));
    assertTrue(refused.toString().contains("554"), refused.toString());

    String viaTeam = subject();
    send("someone@peer.example", "team@" + d, viaTeam);
    assertTrue(arrives("member@" + d, PASSWORD, viaTeam));
    awaitLog("to=<left@" + d + ">, orig_to=<team@" + d + ">", "status=bounced");
    String marker = subject();
    send("someone@peer.example", "whoever@" + d, marker);
    assertTrue(arrives("carol@" + d, PASSWORD, marker));
    assertFalse(MailClient.subjects("imap", "carol@" + d, PASSWORD).contains(viaTeam));
  }

  /**
   * The catch-all's owner may send as the domain's unassigned addresses (as in the seed) but never
   * as a disabled mailbox or a disabled alias, directly or through an alias domain: their addresses
   * must not fall back to the catch-all in smtpd_sender_login_maps.
   */
  @Test
  void catchAllOwnerCannotSendAsADisabledMailboxOrAlias() throws Exception {
    CatchAllDomain world = catchAllDomain("member");
    String d = world.domain();
    String alias = world.aliasDomain();
    createAlias("old@" + d, List.of("member@" + d));
    disable("/api/v1/mailboxes/left@" + d);
    disable("/api/v1/aliases/old@" + d);

    for (String sender : List.of("left@" + d, "left@" + alias, "old@" + d, "old@" + alias)) {
      MessagingException refused =
          assertThrows(
              MessagingException.class,
              () -> submit("carol@" + d, PASSWORD, sender, "member@" + d, subject()),
              sender);
      assertTrue(refused.toString().contains("553"), sender + ": " + refused);
    }
    String unassigned = subject();
    submit("carol@" + d, PASSWORD, "whoever@" + d, "member@" + d, unassigned);
    assertTrue(arrives("member@" + d, PASSWORD, unassigned));
  }

  /** An alias on a disabled mailbox's own address is an explicit forward: it keeps working. */
  @Test
  void aliasOnADisabledMailboxsAddressForwardsItsMail() throws Exception {
    CatchAllDomain world = catchAllDomain("successor");
    String d = world.domain();
    String alias = world.aliasDomain();
    disable("/api/v1/mailboxes/left@" + d);
    createAlias("left@" + d, List.of("successor@" + d));
    String direct = subject();
    String viaAlias = subject();
    send("someone@peer.example", "left@" + d, direct);
    send("someone@peer.example", "left@" + alias, viaAlias);
    assertTrue(arrives("successor@" + d, PASSWORD, direct));
    assertTrue(arrives("successor@" + d, PASSWORD, viaAlias));
    assertFalse(MailClient.subjects("imap", "carol@" + d, PASSWORD).contains(direct));
    // Both copies were delivered in the same queue run that would have bounced one.
    assertFalse(logHas("orig_to=<left@" + alias + ">", "status=bounced"));
    assertFalse(logHas("to=<left@" + d + ">", "status=bounced"));
  }

  /**
   * The From header of an authenticated submission must be an address the login may send as
   * (exactly one: the envelope sender Postfix already checked, or the login itself).
   */
  @Test
  void authenticatedUserCannotPutSomeoneElsesAddressInTheFromHeader() throws Exception {
    String d = createDomain();
    createMailbox("john@" + d, PASSWORD);
    createMailbox("jane@" + d, PASSWORD);
    createAlias("support@" + d, List.of("john@" + d));
    String john = "john@" + d;
    String jane = "jane@" + d;
    assertFromRefused(john, jane, jane);
    assertFromRefused(john, jane, "\"John\" <" + jane + ">");
    assertFromRefused(john, jane, john + ", " + jane);
    assertFromRefused(john, jane, jane + ", " + john);
    assertFromRefused(john, jane, john, jane);
    assertFromRefused("", jane, jane);
    assertFromRefused("support@" + d, jane, jane);
    // What a mail client may show instead of the address: the display name, decoded.
    assertFromRefused(john, jane, "\"" + jane + "\" <" + john + ">");
    assertFromRefused(john, jane, "\"Jane <" + jane + ">\" <" + john + ">");
    assertFromRefused(john, jane, jane + " <" + john + ">");
    assertFromRefused(
        john,
        jane,
        "=?UTF-8?B?"
            + Base64.getEncoder().encodeToString(jane.getBytes(StandardCharsets.UTF_8))
            + "?= <"
            + john
            + ">");
    assertFromRefused(john, jane, john + " (" + jane + ")");
    // Groups, an invalid address.
    assertFromRefused(john, jane, "Team: " + john + ";");
    assertFromRefused(john, jane, "Team: " + jane + ";");
    assertFromRefused(john, jane, "<" + john + "@>");
    // Sender: every address in it must be allowed too.
    assertHeadersRefused(john, jane, List.of("From: " + john, "Sender: " + jane));
    assertHeadersRefused(
        john, jane, List.of("From: " + john, "Sender: " + john, "Sender: " + jane));

    List<String> accepted = new ArrayList<>();
    for (String[] envelopeAndFrom :
        List.of(
            new String[] {john, john},
            new String[] {john, "John Doe <" + john.toUpperCase() + ">"},
            new String[] {"support@" + d, "Support <support@" + d + ">"},
            new String[] {"support@" + d, john},
            new String[] {"", john})) {
      String subject = subject();
      submit(john, PASSWORD, envelopeAndFrom[0], jane, subject, envelopeAndFrom[1]);
      accepted.add(subject);
    }
    for (List<String> headers :
        List.of(
            List.of("From: \"" + john + "\" <" + john + ">"),
            List.of("From: " + john, "Sender: John <" + john + ">"))) {
      String subject = subject();
      submit(john, PASSWORD, john, jane, subject, headers);
      accepted.add(subject);
    }
    for (String subject : accepted) {
      assertTrue(arrives(jane, PASSWORD, subject), subject);
    }
    // No From header: Postfix adds one with the envelope sender, which it has already checked, and
    // that is what the filter and the recipient see.
    String noFrom = subject();
    submit(john, PASSWORD, john, jane, noFrom, List.of());
    assertTrue(arrives(jane, PASSWORD, noFrom));
    String raw = new String(MailClient.rawMessage(jane, PASSWORD, noFrom), StandardCharsets.UTF_8);
    assertTrue(raw.contains("\nFrom: " + john), raw);
  }

  /** A domain and an alias domain of it. */
  private record CatchAllDomain(String domain, String aliasDomain) {}

  /**
   * A domain whose catch-all delivers to carol@, with the mailboxes carol, left and {@code other},
   * and an alias domain of it: the set-up of the disabled-mailbox tests.
   */
  private static CatchAllDomain catchAllDomain(String other) {
    String d = createDomain();
    createMailbox("carol@" + d, PASSWORD);
    createMailbox(other + "@" + d, PASSWORD);
    createMailbox("left@" + d, PASSWORD);
    createAlias("@" + d, List.of("carol@" + d));
    return new CatchAllDomain(d, createAliasDomain(uniqueDomain(), d));
  }

  private static void assertFromRefused(String envelope, String to, String... fromHeaders) {
    assertHeadersRefused(
        envelope, to, Arrays.stream(fromHeaders).map(from -> "From: " + from).toList());
  }

  private static void assertHeadersRefused(String envelope, String to, List<String> headers) {
    MessagingException refused =
        assertThrows(
            MessagingException.class,
            () ->
                submit(
                    "john@" + to.substring(to.indexOf('@') + 1),
                    PASSWORD,
                    envelope,
                    to,
                    subject(),
                    headers),
            String.join(" / ", headers));
    assertTrue(
        refused.toString().contains("554") && refused.toString().contains("may send as"),
        refused.toString());
  }

  /** Whether one line of Postfix's log holds every part. */
  private static boolean logHas(String... parts) throws Exception {
    Path log = Path.of(MailClient.STATE, "log/postfix.log");
    return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
        .anyMatch(line -> Arrays.stream(parts).allMatch(line::contains));
  }

  /** Waits until one line of Postfix's log holds every part. */
  private static void awaitLog(String... parts) throws Exception {
    Path log = Path.of(MailClient.STATE, "log/postfix.log");
    Instant deadline = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(deadline)) {
      for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
        if (Arrays.stream(parts).allMatch(line::contains)) {
          return;
        }
      }
      Thread.sleep(250);
    }
    throw new AssertionError("no line in " + log + " with " + Arrays.toString(parts));
  }

  @Test
  void sendOnlyMailboxSendsButNeitherReceivesNorLogsIn() throws Exception {
    String d = createDomain();
    createMailbox("reader@" + d, PASSWORD);
    admin()
        .body(Map.of("address", "noreply@" + d, "password", PASSWORD, "sendOnly", true))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(201);
    String subject = subject();
    submit("noreply@" + d, PASSWORD, "noreply@" + d, "reader@" + d, subject);
    assertTrue(arrives("reader@" + d, PASSWORD, subject));
    assertRejected("noreply@" + d);
    assertFalse(canLogin("imap", "noreply@" + d, PASSWORD));
    assertFalse(canLogin("pop3", "noreply@" + d, PASSWORD));
  }

  /**
   * A disabled alias domain is not hosted here: recipient-access must not answer for it, so a
   * submission to x@alias is relayed like any foreign address (discarded on this test host).
   */
  @Test
  void disabledAliasDomainIsAForeignDomainOnSubmission() throws Exception {
    String d = createDomain();
    String alias = uniqueDomain();
    createMailbox("reader@" + d, PASSWORD);
    admin()
        .body(Map.of("address", "noreply@" + d, "password", PASSWORD, "sendOnly", true))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(201);
    createAliasDomain(alias, d);
    disable("/api/v1/alias-domains/" + alias);
    submit("reader@" + d, PASSWORD, "reader@" + d, "noreply@" + alias, subject());
  }

  @Test
  void userMaySendAsAnAliasThatDeliversToThemButNotAsSomeoneElse() throws Exception {
    String d = createDomain();
    createMailbox("john@" + d, PASSWORD);
    createMailbox("jane@" + d, PASSWORD);
    createAlias("support@" + d, List.of("john@" + d));
    String subject = subject();
    submit("john@" + d, PASSWORD, "support@" + d, "jane@" + d, subject);
    assertTrue(arrives("jane@" + d, PASSWORD, subject));
    MessagingException refused =
        assertThrows(
            MessagingException.class,
            () -> submit("john@" + d, PASSWORD, "jane@" + d, "jane@" + d, subject()));
    assertTrue(
        refused.toString().contains("553") || refused.toString().contains("not owned"),
        refused.toString());
  }

  @Test
  void passwordChangeTakesEffect() throws Exception {
    String d = createDomain();
    createMailbox("john@" + d, PASSWORD);
    assertTrue(canLogin("imap", "john@" + d, PASSWORD));
    String changed = "Another-Secret-Phrase-7";
    admin()
        .body(Map.of("password", changed))
        .patch("/api/v1/mailboxes/john@" + d)
        .then()
        .statusCode(200);
    assertTrue(canLogin("imap", "john@" + d, changed));
    assertFalse(canLogin("imap", "john@" + d, PASSWORD));
  }

  @Test
  void quotaSetThroughTheApiIsWhatDovecotEnforces() throws Exception {
    String d = createDomain(Map.of("limits", Map.of("defaultQuotaMb", 50)));
    admin()
        .body(Map.of("address", "q@" + d, "password", PASSWORD, "quotaMb", 123))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(201);
    createMailbox("dflt@" + d, PASSWORD);
    assertEquals(123 * 1024L, storageLimitKib("q@" + d));
    assertEquals(50 * 1024L, storageLimitKib("dflt@" + d));
    admin().body(Map.of("quotaMb", 7)).patch("/api/v1/mailboxes/q@" + d).then().statusCode(200);
    // Dovecot caches the userdb answer; the push target flushes it right after the commit.
    Instant deadline = Instant.now().plusSeconds(5);
    while (storageLimitKib("q@" + d) != 7 * 1024L && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
    }
    assertEquals(7 * 1024L, storageLimitKib("q@" + d));
  }

  private static long storageLimitKib(String user) throws Exception {
    String output = MailClient.doveadm("quota", "get", "-u", user);
    Matcher m = Pattern.compile("(?m)^User quota\\s+STORAGE\\s+\\d+\\s+(\\d+|-)").matcher(output);
    assertTrue(m.find(), output);
    return m.group(1).equals("-") ? 0 : Long.parseLong(m.group(1));
  }

  private static void assertRejected(String recipient) {
    int code = rcptCode(recipient);
    assertTrue(code >= 500 && code < 600, recipient + " answered " + code);
  }

  /** The SMTP reply code Postfix gives at RCPT TO (250 when accepted). */
  private static int rcptCode(String recipient) {
    try {
      send("someone@peer.example", recipient, subject());
      return 250;
    } catch (SendFailedException e) {
      Exception next = e.getNextException();
      if (next instanceof SMTPAddressFailedException failed) {
        return failed.getReturnCode();
      }
      throw new AssertionError("unexpected failure for " + recipient, e);
    } catch (MessagingException e) {
      throw new AssertionError("unexpected failure for " + recipient, e);
    }
  }
}
