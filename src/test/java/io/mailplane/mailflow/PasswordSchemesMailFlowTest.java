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

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Dovecot verifies the hash of every scheme mailplane can be configured to write. */
class PasswordSchemesMailFlowTest {
  static final String PASSWORD = "Scheme-Test-Password-42";

  static void deliveredAndReadWithTheApiSetPassword(String expectedScheme) throws Exception {
    String d = createDomain();
    admin()
        .body(Map.of("address", "user@" + d, "password", PASSWORD))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(201)
        .body("passwordScheme", equalTo(expectedScheme));
    String subject = subject();
    send("someone@peer.example", "user@" + d, subject);
    assertTrue(arrives("user@" + d, PASSWORD, subject));
    assertFalse(canLogin("imap", "user@" + d, PASSWORD + "x"));
  }

  @QuarkusTest
  static class Bcrypt {
    @Test
    void bcrypt() throws Exception {
      deliveredAndReadWithTheApiSetPassword("BLF-CRYPT");
    }
  }

  @QuarkusTest
  @TestProfile(Argon2id.Profile.class)
  static class Argon2id {
    public static class Profile implements QuarkusTestProfile {
      @Override
      public Map<String, String> getConfigOverrides() {
        return Map.of("mailplane.passwords.scheme", "ARGON2ID");
      }
    }

    @Test
    void argon2id() throws Exception {
      deliveredAndReadWithTheApiSetPassword("ARGON2ID");
    }
  }

  @QuarkusTest
  @TestProfile(Sha512Crypt.Profile.class)
  static class Sha512Crypt {
    public static class Profile implements QuarkusTestProfile {
      @Override
      public Map<String, String> getConfigOverrides() {
        return Map.of("mailplane.passwords.scheme", "SHA512_CRYPT");
      }
    }

    @Test
    void sha512Crypt() throws Exception {
      deliveredAndReadWithTheApiSetPassword("SHA512-CRYPT");
    }
  }
}
