package io.mailplane.mailflow;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;

@QuarkusTest
@TestProfile(Sha512CryptMailFlowTest.Profile.class)
class Sha512CryptMailFlowTest extends PasswordSchemesMailFlowTest {
  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("mailplane.passwords.scheme", "SHA512_CRYPT");
    }
  }

  @Override
  String expectedScheme() {
    return "SHA512-CRYPT";
  }
}
