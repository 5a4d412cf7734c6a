package io.mailplane.sso;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Settings that would accept forged tokens, or tokens for anyone, refuse to start. */
class IdentityProviderSettingsTest {
  private static IdentityProvider provider(Map<String, Object> overrides) {
    Map<String, Object> values = new HashMap<>();
    values.put("enabled", true);
    values.put("issuer", Optional.of("https://id.example.com/realms/mail"));
    values.put("audience", Optional.of(List.of("mailplane")));
    values.put("algorithms", List.of("RS256"));
    values.put("clockSkew", Duration.ofSeconds(30));
    values.putAll(overrides);
    IdentityProvider provider = new IdentityProvider();
    provider.config =
        (SsoConfig)
            Proxy.newProxyInstance(
                SsoConfig.class.getClassLoader(),
                new Class<?>[] {SsoConfig.class},
                (proxy, method, args) -> values.get(method.getName()));
    return provider;
  }

  private static String refusal(Map<String, Object> overrides) {
    return assertThrows(IllegalStateException.class, () -> provider(overrides).checkAtStart(null))
        .getMessage();
  }

  @Test
  void acceptsAnHttpsIssuerWithAnAudienceAndPublicKeyAlgorithms() {
    assertDoesNotThrow(
        () ->
            provider(Map.of("algorithms", List.of("RS256", "PS256", "ES256", "EdDSA")))
                .checkAtStart(null));
    assertDoesNotThrow(
        () ->
            provider(Map.of("issuer", Optional.of("http://127.0.0.1:8180/realms/t")))
                .checkAtStart(null));
  }

  @Test
  void refusesHmacAndNone() {
    assertTrue(refusal(Map.of("algorithms", List.of("HS256"))).contains("HS256"));
    assertTrue(refusal(Map.of("algorithms", List.of("RS256", "none"))).contains("none"));
  }

  @Test
  void refusesAPlainHttpIssuerOffLoopbackAndAMissingIssuerOrAudience() {
    assertTrue(
        refusal(Map.of("issuer", Optional.of("http://id.example.com/realms/mail")))
            .contains("https"));
    assertTrue(
        refusal(Map.of("issuer", Optional.of("http://localhost.example.com/"))).contains("https"));
    assertTrue(refusal(Map.of("issuer", Optional.empty())).contains("issuer"));
    assertTrue(refusal(Map.of("audience", Optional.of(List.of(" ")))).contains("audience"));
  }

  @Test
  void disabledChecksNothing() {
    assertDoesNotThrow(
        () ->
            provider(
                    Map.of(
                        "enabled", false, "issuer", Optional.empty(), "audience", Optional.empty()))
                .checkAtStart(null));
  }
}
