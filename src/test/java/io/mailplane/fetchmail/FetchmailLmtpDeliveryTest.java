package io.mailplane.fetchmail;

import static io.mailplane.TestApi.createDomain;
import static io.mailplane.TestApi.createMailbox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.MailDaemons;
import io.mailplane.NeedsDaemons;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Delivery by LMTP (mailplane.fetchmail.delivery=lmtp) with the real fetchmail straight into the
 * test Dovecot's LMTP listener (127.0.0.1:2424), bypassing Postfix. The process is run directly
 * with an rc file as the runner renders it for that setting, so the application's (SMTP)
 * configuration needs no restart.
 */
@NeedsDaemons
@QuarkusTest
class FetchmailLmtpDeliveryTest {
  static final String PASSWORD = "Correct-Horse-Battery-9";

  @Test
  void lmtpDeliversIntoTheLocalMailbox() throws Exception {
    String d = createDomain();
    String remote = "remote@" + d;
    String local = "local@" + d;
    createMailbox(remote, PASSWORD);
    createMailbox(local, PASSWORD);
    String subject = "lmtp-" + UUID.randomUUID();
    Properties props = new Properties();
    props.put("mail.smtp.host", "127.0.0.1");
    props.put("mail.smtp.port", Integer.toString(MailDaemons.port("MAILPLANE_SMTP_LISTEN")));
    MimeMessage message = new MimeMessage(Session.getInstance(props));
    message.setFrom(new InternetAddress("someone@peer.example"));
    message.setRecipients(Message.RecipientType.TO, remote);
    message.setSubject(subject);
    message.setText("via lmtp\n");
    Transport.send(message);
    assertTrue(waitFor(remote, subject), "the remote got the message");

    String rc =
        RcFile.render(
            new RcFile.Spec(
                "localhost",
                null,
                MailDaemons.port("MAILPLANE_IMAP_PORT"),
                "imap",
                remote,
                PASSWORD,
                "starttls",
                true,
                MailDaemons.setting("MAILPLANE_MAIL_DIR") + "/tls/tls.crt",
                List.of(),
                false,
                false,
                true,
                "127.0.0.1",
                MailDaemons.port("MAILPLANE_LMTP_PORT"),
                local,
                30));
    Path work = Path.of("target/fetchmail-work").toAbsolutePath();
    Files.createDirectories(work);
    FetchmailProcess.Result result =
        FetchmailProcess.run("fetchmail", work, rc, null, PASSWORD, Duration.ofSeconds(30), 4000);
    assertEquals("fetched", result.outcome(), result.log());
    assertEquals(1, result.messages());
    assertTrue(waitFor(local, subject), "delivered by LMTP");
  }

  static boolean waitFor(String user, String subject) throws Exception {
    Instant deadline = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(deadline)) {
      Properties props = new Properties();
      props.put("mail.imap.starttls.enable", "true");
      props.put("mail.imap.ssl.trust", "*");
      try (Store store = Session.getInstance(props).getStore("imap")) {
        store.connect("127.0.0.1", MailDaemons.port("MAILPLANE_IMAP_PORT"), user, PASSWORD);
        Folder inbox = store.getFolder("INBOX");
        inbox.open(Folder.READ_ONLY);
        for (Message m : inbox.getMessages()) {
          if (subject.equals(m.getSubject())) {
            return true;
          }
        }
        inbox.close(false);
      }
      Thread.sleep(250);
    }
    return false;
  }
}
