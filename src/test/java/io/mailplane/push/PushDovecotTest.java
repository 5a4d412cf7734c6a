package io.mailplane.push;

import static io.mailplane.TestApi.admin;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.MailDaemons;
import io.mailplane.NeedsDaemons;
import io.mailplane.TestApi;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The doveadm target against the real test Dovecot (deploy/local/mail-services.sh), which reads the
 * same database as this test run (on a PostgreSQL run the PostgreSQL-reading copy,
 * io.mailplane.MailDaemons). MAILPLANE_TEST_IMAP_PORT points at another instance.
 */
@NeedsDaemons
@QuarkusTest
class PushDovecotTest {
  private static final String PASSWORD = "push-test-password-1";
  private static final int IMAP = MailDaemons.port("MAILPLANE_TEST_IMAP_PORT");

  @Test
  void disablingAMailboxEndsItsOpenImapSession() throws Exception {
    String address = "kick@" + TestApi.createDomain();
    TestApi.createMailbox(address, PASSWORD);
    awaitApplied("dovecot");
    try (Store store = imap(address, PASSWORD)) {
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      assertTrue(stillServed(store, inbox));

      Instant disabled = Instant.now();
      admin()
          .contentType("application/merge-patch+json")
          .body(Map.of("enabled", false))
          .patch("/api/v1/mailboxes/" + address)
          .then()
          .statusCode(200);
      // How fast is bench/push-latency.sh's question; a loaded CI machine took 2.5 s here.
      Instant deadline = disabled.plusSeconds(15);
      while (stillServed(store, inbox) && Instant.now().isBefore(deadline)) {
        Thread.sleep(50);
      }
      assertFalse(
          stillServed(store, inbox),
          "the IMAP session survived disabling the mailbox for "
              + Duration.between(disabled, Instant.now()));
    }
  }

  @Test
  void passwordChangeFlushesTheAuthCache() throws Exception {
    String address = "flush@" + TestApi.createDomain();
    TestApi.createMailbox(address, PASSWORD);
    awaitApplied("dovecot");
    // With Dovecot's auth cache on, this login is what the cache would keep answering with.
    assertTrue(canLogin(address, PASSWORD));

    String changed = "push-test-password-2";
    TestApi.changePassword(address, changed);
    awaitApplied("dovecot");
    assertFalse(canLogin(address, PASSWORD), "the old password still works");
    assertTrue(canLogin(address, changed));
  }

  /** Waits until the target has applied every event written so far, without failures. */
  static void awaitApplied(String target) throws InterruptedException {
    long head =
        QuarkusTransaction.requiringNew()
            .call(
                () ->
                    OutboxEvent.getEntityManager()
                        .createQuery("select coalesce(max(e.id), 0) from OutboxEvent e", Long.class)
                        .getSingleResult());
    Instant deadline = Instant.now().plusSeconds(10);
    while (Instant.now().isBefore(deadline)) {
      JsonPath status =
          admin().get("/api/v1/push/targets").then().statusCode(200).extract().jsonPath();
      Map<String, Object> state = status.getMap("items.find { it.name == '" + target + "' }");
      if (((Number) state.get("lastEventId")).longValue() >= head
          && ((Number) state.get("consecutiveFailures")).intValue() == 0) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(target + " did not apply event " + head + " in time");
  }

  private static boolean stillServed(Store store, Folder inbox) {
    try {
      inbox.getMessageCount();
      store.getDefaultFolder().list("INBOX");
      return store.isConnected() && inbox.isOpen();
    } catch (MessagingException | IllegalStateException e) {
      return false;
    }
  }

  private static Store imap(String user, String password) throws MessagingException {
    Properties props = new Properties();
    props.put("mail.imap.starttls.enable", "true");
    props.put("mail.imap.starttls.required", "true");
    props.put("mail.imap.ssl.trust", "*");
    Store store = Session.getInstance(props).getStore("imap");
    store.connect("127.0.0.1", IMAP, user, password);
    return store;
  }

  private static boolean canLogin(String user, String password) {
    try (Store store = imap(user, password)) {
      return store.isConnected();
    } catch (MessagingException e) {
      return false;
    }
  }
}
