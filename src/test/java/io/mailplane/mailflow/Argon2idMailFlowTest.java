package io.mailplane.mailflow;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;

@QuarkusTest
@TestProfile(Argon2idMailFlowTest.Profile.class)
class Argon2idMailFlowTest extends PasswordSchemesMailFlowTest {
  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("mailplane.passwords.scheme", "ARGON2ID");
    }
  }

  @Override
  String expectedScheme() {
    return "ARGON2ID";
  }
}
