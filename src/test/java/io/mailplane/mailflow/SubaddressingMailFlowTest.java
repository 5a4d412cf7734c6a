package io.mailplane.mailflow;

import static io.mailplane.TestApi.createAlias;
import static io.mailplane.TestApi.createAliasDomain;
import static io.mailplane.TestApi.createDomain;
import static io.mailplane.TestApi.createMailbox;
import static io.mailplane.TestApi.disable;
import static io.mailplane.TestApi.uniqueDomain;
import static io.mailplane.mailflow.MailClient.arrives;
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
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Subaddressing (the seed's RECIPIENT_DELIMITER, "-" in the test daemons) through the real Postfix
 * and Dovecot LMTP of deploy/mta/main.cf and deploy/mda/dovecot.conf: a tag never opens a way
 * around what the plain address is refused for.
 */
@NeedsDaemons
@QuarkusTest
class SubaddressingMailFlowTest {
  static final String PASSWORD = "Correct-Horse-Battery-9";
  static final String DELIMITER = MailClient.setting("MAILPLANE_RECIPIENT_DELIMITER", "-");

  private static String tagged(String local, String tag, String domain) {
    return local + DELIMITER + tag + "@" + domain;
  }

  @Test
  void taggedAddressIsDeliveredToTheUsersInbox() throws Exception {
    String d = createDomain();
    createMailbox("john@" + d, PASSWORD);
    String lower = subject();
    String mixed = subject();
    send("someone@peer.example", tagged("john", "news", d), lower);
    send("someone@peer.example", tagged("John", "News", d.toUpperCase()), mixed);
    assertTrue(arrives("john@" + d, PASSWORD, lower));
    assertTrue(arrives("john@" + d, PASSWORD, mixed));
  }

  /**
   * A mailbox whose own name holds the delimiter is found as itself before any tag is cut, with or
   * without a mailbox named like its first part. Postfix cuts a tag at the first delimiter, so such
   * a mailbox cannot be tagged with the same delimiter (first-last-news@ is first@ + "last-news").
   */
  @Test
  void mailboxWithTheDelimiterInItsNameKeepsItsMail() throws Exception {
    String d = createDomain();
    createMailbox("no@" + d, PASSWORD);
    createMailbox(tagged("no", "reply", d), PASSWORD);
    createMailbox(tagged("first", "last", d), PASSWORD);
    String own = subject();
    String alone = subject();
    send("someone@peer.example", tagged("no", "reply", d), own);
    send("someone@peer.example", tagged("first", "last", d), alone);
    assertTrue(arrives(tagged("no", "reply", d), PASSWORD, own));
    assertTrue(arrives(tagged("first", "last", d), PASSWORD, alone));
    assertFalse(MailClient.subjects("imap", "no@" + d, PASSWORD).contains(own));
    assertEquals(550, MailClient.rcptCode(MailClient.SMTP, tagged("first", "x", d)));
    assertEquals(
        550, MailClient.rcptCode(MailClient.SMTP, tagged("first", "last" + DELIMITER + "news", d)));
  }

  /**
   * A disabled mailbox's tagged address is refused at RCPT with 554 like the plain one (directly,
   * through an alias domain, on submission), although the domain's catch-all would take any unknown
   * address; the catch-all's owner never gets its mail.
   */
  @Test
  void taggedAddressOfADisabledMailboxIsRefusedLikeThePlainOne() throws Exception {
    String d = createDomain();
    createMailbox("carol@" + d, PASSWORD);
    createMailbox("left@" + d, PASSWORD);
    createAlias("@" + d, List.of("carol@" + d));
    String alias = createAliasDomain(uniqueDomain(), d);
    disable("/api/v1/mailboxes/left@" + d);

    assertEquals(554, MailClient.rcptCode(MailClient.SMTP, "left@" + d));
    assertEquals(554, MailClient.rcptCode(MailClient.SMTP, tagged("left", "x", d)));
    assertEquals(554, MailClient.rcptCode(MailClient.SMTP, tagged("Left", "X", d.toUpperCase())));
    assertEquals(554, MailClient.rcptCode(MailClient.SMTP, tagged("left", "x", alias)));
    MessagingException refused =
        assertThrows(
            MessagingException.class,
            () -> submit("carol@" + d, PASSWORD, "carol@" + d, tagged("left", "x", d), subject()));
    assertTrue(refused.toString().contains("554"), refused.toString());

    String marker = subject();
    send("someone@peer.example", "whoever@" + d, marker);
    assertTrue(arrives("carol@" + d, PASSWORD, marker));
  }

  /** A disabled domain's tagged addresses are not hosted here either. */
  @Test
  void taggedAddressOfAnUnknownUserOrADisabledDomainIsRefused() throws Exception {
    String d = createDomain();
    createMailbox("john@" + d, PASSWORD);
    assertEquals(550, MailClient.rcptCode(MailClient.SMTP, tagged("nobody", "x", d)));
    assertEquals(550, MailClient.rcptCode(MailClient.SMTP, "nobody@" + d));
    assertEquals(250, MailClient.rcptCode(MailClient.SMTP, tagged("john", "x", d)));
    disable("/api/v1/domains/" + d);
    int code = MailClient.rcptCode(MailClient.SMTP, tagged("john", "x", d));
    assertTrue(code >= 500 && code < 600, "answered " + code);
  }

  @Test
  void taggedAddressThroughAnAliasDomainReachesTheTargetsMailbox() throws Exception {
    String d = createDomain();
    createMailbox("john@" + d, PASSWORD);
    String alias = createAliasDomain(uniqueDomain(), d);
    String viaAlias = subject();
    send("someone@peer.example", tagged("john", "shop", alias), viaAlias);
    assertTrue(arrives("john@" + d, PASSWORD, viaAlias));
    assertEquals(550, MailClient.rcptCode(MailClient.SMTP, tagged("nobody", "shop", alias)));
  }

  /** A tag on an alias follows the alias to every destination, directly and via an alias domain. */
  @Test
  void tagOnAnAliasFollowsTheAlias() throws Exception {
    String d = createDomain();
    createMailbox("a@" + d, PASSWORD);
    createMailbox("b@" + d, PASSWORD);
    createAlias("team@" + d, List.of("a@" + d, "b@" + d));
    String alias = createAliasDomain(uniqueDomain(), d);
    String direct = subject();
    String viaAlias = subject();
    send("someone@peer.example", tagged("team", "x", d), direct);
    send("someone@peer.example", tagged("team", "y", alias), viaAlias);
    for (String member : List.of("a@" + d, "b@" + d)) {
      assertTrue(arrives(member, PASSWORD, direct), member);
      assertTrue(arrives(member, PASSWORD, viaAlias), member);
    }
  }
}
