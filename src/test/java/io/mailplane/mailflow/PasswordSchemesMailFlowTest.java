package io.mailplane.mailflow;

import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.createDomain;
import static io.mailplane.mailflow.MailClient.arrives;
import static io.mailplane.mailflow.MailClient.canLogin;
import static io.mailplane.mailflow.MailClient.send;
import static io.mailplane.mailflow.MailClient.subject;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.NeedsDaemons;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Dovecot verifies the hash of every scheme mailplane can be configured to write: bcrypt (the
 * default) here, Argon2id and SHA512-CRYPT in the two subclasses with their own profiles.
 */
@NeedsDaemons
@QuarkusTest
class PasswordSchemesMailFlowTest {
  static final String PASSWORD = "Scheme-Test-Password-42";

  String expectedScheme() {
    return "BLF-CRYPT";
  }

  @Test
  void deliveredAndReadWithTheApiSetPassword() throws Exception {
    String d = createDomain();
    admin()
        .body(Map.of("address", "user@" + d, "password", PASSWORD))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(201)
        .body("passwordScheme", equalTo(expectedScheme()));
    String subject = subject();
    send("someone@peer.example", "user@" + d, subject);
    assertTrue(arrives("user@" + d, PASSWORD, subject));
    assertFalse(canLogin("imap", "user@" + d, PASSWORD + "x"));
  }
}
