package io.mailplane.mailflow;

import static io.mailplane.TestApi.as;
import static io.mailplane.TestApi.createDomain;
import static io.mailplane.TestApi.createMailbox;
import static io.mailplane.mailflow.MailClient.arrives;
import static io.mailplane.mailflow.MailClient.canLogin;
import static io.mailplane.mailflow.MailClient.open;
import static io.mailplane.mailflow.MailClient.subject;
import static io.mailplane.mailflow.MailClient.submit;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.NeedsDaemons;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * A mailbox owner signs in with the mail password and changes it through the API; the real Dovecot
 * (IMAP) and Postfix (submission, SASL through Dovecot) stop taking the old password as soon as the
 * push has flushed Dovecot's auth cache, and the owner's open IMAP session is kicked on request.
 */
@NeedsDaemons
@QuarkusTest
class SelfServiceMailFlowTest {
  static final String PASSWORD = "Correct-Horse-Battery-9";
  static final String CHANGED = "Fresh-Phrase-Orbit-51";

  /** The push runs right after the commit; this bounds how long "at once" may take here. */
  static final Duration AT_ONCE = Duration.ofSeconds(5);

  @Test
  void theOwnersNewPasswordReplacesTheOldOneOnImapAndSubmissionAtOnce() throws Exception {
    String d = createDomain();
    String john = "john@" + d;
    createMailbox(john, PASSWORD);
    // Logins that fill Dovecot's auth cache with the old password, and a session to be kicked.
    assertTrue(canLogin("imap", john, PASSWORD));
    submit(john, PASSWORD, john, john, subject());
    Store session = open("imap", john, PASSWORD);

    String token =
        given()
            .contentType(ContentType.JSON)
            .body(Map.of("address", john, "password", PASSWORD))
            .post("/api/v1/sessions")
            .then()
            .statusCode(201)
            .extract()
            .path("token");
    as(token)
        .body(Map.of("currentPassword", PASSWORD, "newPassword", CHANGED, "endOtherSessions", true))
        .post("/api/v1/mailboxes/" + john + "/password")
        .then()
        .statusCode(200);

    // Submission first (its own cache entry: the passdb query names the service), then IMAP.
    assertTrue(within(AT_ONCE, () -> !canSubmit(john, PASSWORD)), "old submission password");
    assertTrue(within(AT_ONCE, () -> !canLogin("imap", john, PASSWORD)), "old IMAP password");
    assertTrue(canLogin("imap", john, CHANGED));
    assertThrows(
        AuthenticationFailedException.class, () -> submit(john, PASSWORD, john, john, subject()));
    String sent = subject();
    submit(john, CHANGED, john, john, sent);
    assertTrue(arrives(john, CHANGED, sent));
    assertTrue(within(AT_ONCE, () -> !session.isConnected()), "the open IMAP session was kicked");
    assertFalse(canLogin("pop3", john, PASSWORD));
  }

  /**
   * Whether Postfix's submission port takes the login (SMTP AUTH over STARTTLS, SASL through
   * Dovecot); a message to the login itself is sent when it does.
   */
  private static boolean canSubmit(String login, String password) {
    try {
      submit(login, password, login, login, subject());
      return true;
    } catch (AuthenticationFailedException e) {
      return false;
    } catch (jakarta.mail.MessagingException e) {
      throw new AssertionError("submission failed otherwise than on AUTH", e);
    }
  }

  private static boolean within(Duration limit, BooleanSupplier condition)
      throws InterruptedException {
    Instant end = Instant.now().plus(limit);
    while (true) {
      if (condition.getAsBoolean()) {
        return true;
      }
      if (Instant.now().isAfter(end)) {
        return false;
      }
      Thread.sleep(100);
    }
  }
}
