package io.mailplane.mailflow;

import static io.mailplane.TestApi.createDomain;
import static io.mailplane.TestApi.createMailbox;
import static io.mailplane.TestApi.disable;
import static io.mailplane.mailflow.MailClient.arrives;
import static io.mailplane.mailflow.MailClient.send;
import static io.mailplane.mailflow.MailClient.subject;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.MailDaemons;
import io.mailplane.NeedsDaemons;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sieve and ManageSieve in the Dovecot of deploy/mda/dovecot.conf, as Roundcube's managesieve
 * plugin uses them: a script uploaded over a real ManageSieve session (STARTTLS, AUTHENTICATE
 * PLAIN, PUTSCRIPT, SETACTIVE) runs when Postfix hands mail to Dovecot's LMTP, and a vacation reply
 * leaves through Postfix to the sender's mailbox.
 */
@NeedsDaemons
@QuarkusTest
class SieveMailFlowTest {
  static final String PASSWORD = "Correct-Horse-Battery-9";
  static final int PORT = MailDaemons.port("MAILPLANE_MANAGESIEVE_PORT");
  static final String DELIMITER = MailClient.setting("MAILPLANE_RECIPIENT_DELIMITER", "-");

  @Test
  void vacationScriptSetOverManageSieveAnswersThroughPostfix() throws Exception {
    String d = createDomain();
    createMailbox("away@" + d, PASSWORD);
    createMailbox("writer@" + d, PASSWORD);
    String replySubject = "Out of office " + subject();
    upload(
        "away@" + d,
        "vacation",
        "require [\"vacation\"];\r\n"
            + "vacation :days 1 :subject \""
            + replySubject
            + "\" \"I am away until Monday.\";\r\n");

    String question = subject();
    send("writer@" + d, "away@" + d, question);
    assertTrue(arrives("away@" + d, PASSWORD, question));
    assertTrue(arrives("writer@" + d, PASSWORD, replySubject));
  }

  /**
   * Sieve knows the delimiter Postfix uses: it files by the tag of the address in the To header.
   * (The envelope reaching LMTP holds the mailbox's own address: Postfix drops the tag.)
   */
  @Test
  void sieveFilesByTheAddressTag() throws Exception {
    String d = createDomain();
    createMailbox("sorter@" + d, PASSWORD);
    upload(
        "sorter@" + d,
        "lists",
        "require [\"subaddress\", \"fileinto\", \"mailbox\"];\r\n"
            + "if address :detail \"to\" \"lists\" { fileinto :create \"Lists\"; }\r\n");

    String tagged = subject();
    String plain = subject();
    send("someone@peer.example", "sorter" + DELIMITER + "lists@" + d, tagged);
    send("someone@peer.example", "sorter@" + d, plain);
    assertTrue(arrives("sorter@" + d, PASSWORD, plain));
    assertTrue(arrivesIn("sorter@" + d, "Lists", tagged));
    assertFalse(MailClient.subjects("imap", "sorter@" + d, PASSWORD).contains(tagged));
  }

  @Test
  void manageSieveRefusesWrongPasswordsAndDisabledMailboxes() throws Exception {
    String d = createDomain();
    createMailbox("owner@" + d, PASSWORD);
    createMailbox("off@" + d, PASSWORD);
    disable("/api/v1/mailboxes/off@" + d);
    try (ManageSieve sieve = new ManageSieve(PORT)) {
      assertTrue(sieve.tls());
      assertTrue(sieve.authenticate("owner@" + d, "wrong-password-1").startsWith("NO"));
    }
    try (ManageSieve sieve = new ManageSieve(PORT)) {
      assertTrue(sieve.authenticate("off@" + d, PASSWORD).startsWith("NO"));
    }
    try (ManageSieve sieve = new ManageSieve(PORT)) {
      assertTrue(sieve.authenticate("owner@" + d, PASSWORD).startsWith("OK"));
      assertTrue(sieve.listScripts().isEmpty());
    }
  }

  /** Uploads and activates one script, as Roundcube's managesieve plugin does. */
  static void upload(String user, String name, String script) throws Exception {
    try (ManageSieve sieve = new ManageSieve(PORT)) {
      assertTrue(sieve.tls(), "STARTTLS offered");
      String auth = sieve.authenticate(user, PASSWORD);
      assertTrue(auth.startsWith("OK"), auth);
      String put = sieve.putScript(name, script);
      assertTrue(put.startsWith("OK"), put);
      String active = sieve.setActive(name);
      assertTrue(active.startsWith("OK"), active);
      List<String> scripts = sieve.listScripts();
      assertTrue(scripts.contains("\"" + name + "\" ACTIVE"), scripts.toString());
    }
  }

  private static boolean arrivesIn(String user, String folder, String subject) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (Instant.now().isBefore(deadline)) {
      try (Store store = MailClient.open("imap", user, PASSWORD)) {
        Folder box = store.getFolder(folder);
        if (box.exists()) {
          box.open(Folder.READ_ONLY);
          for (Message message : box.getMessages()) {
            if (subject.equals(message.getSubject())) {
              return true;
            }
          }
          box.close(false);
        }
      }
      Thread.sleep(250);
    }
    return false;
  }
}
