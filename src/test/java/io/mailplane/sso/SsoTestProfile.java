package io.mailplane.sso;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Single sign-on against the Keycloak of deploy/local/oidc-services.sh (realm mailplane-test, see
 * deploy/local/oidc/). A one-second skew lets a token of the one-second client expire within a
 * test; a one-second refetch interval lets the rotation test see the new key at once.
 */
public class SsoTestProfile implements QuarkusTestProfile {
  static final String KEYCLOAK = "http://127.0.0.1:" + env("MAILPLANE_OIDC_PORT", "8180");
  static final String ISSUER = KEYCLOAK + "/realms/mailplane-test";

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.ofEntries(
        Map.entry("mailplane.sso.enabled", "true"),
        Map.entry("mailplane.sso.issuer", ISSUER),
        Map.entry("mailplane.sso.audience", "mailplane"),
        Map.entry("mailplane.sso.admin-group", "mailplane-admins"),
        Map.entry("mailplane.sso.domain-admin-group", "mailplane-domain-admins"),
        Map.entry("mailplane.sso.create-mailbox", "true"),
        Map.entry("mailplane.sso.clock-skew", "1s"),
        Map.entry("mailplane.sso.keys-refetch-min-interval", "1s"));
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
