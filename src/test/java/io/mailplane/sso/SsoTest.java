package io.mailplane.sso;

import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.mailplane.NeedsDaemons;
import io.mailplane.TestApi;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tokens from a real OpenID Connect provider (Keycloak, deploy/local/oidc-services.sh) as bearer
 * tokens: the mailbox a token names acts with its role, the provider's groups widen it, a missing
 * mailbox is created at first use, and every forged, foreign or stale token gets 401 and changes
 * nothing.
 */
@QuarkusTest
@TestProfile(SsoTestProfile.class)
@NeedsDaemons
class SsoTest {
  static final String DOMAIN = "idp.example";
  static final String PASSWORD = "Sso-test-password-1";
  static final String CLIENT_SECRET = "mailplane-test-oidc-secret";

  /**
   * Idempotent (the database outlives runs); a static @BeforeAll would run before the port is set.
   */
  @BeforeEach
  void hostTheIdpDomain() {
    if (admin().get("/api/v1/domains/" + DOMAIN).statusCode() == 404) {
      admin().body(Map.of("name", DOMAIN)).post("/api/v1/domains").then().statusCode(201);
    }
    for (String local : List.of("idp-admin", "alice", "bob", "dana")) {
      if (admin().get("/api/v1/mailboxes/" + local + "@" + DOMAIN).statusCode() == 404) {
        TestApi.createMailbox(local + "@" + DOMAIN, "a long mail password " + local);
      }
    }
  }

  static String token(String realm, String client, String user) {
    return given()
        .formParam("grant_type", "password")
        .formParam("client_id", client)
        .formParam("client_secret", CLIENT_SECRET)
        .formParam("username", user)
        .formParam("password", PASSWORD)
        .formParam("scope", "openid")
        .post(SsoTestProfile.KEYCLOAK + "/realms/" + realm + "/protocol/openid-connect/token")
        .then()
        .statusCode(200)
        .extract()
        .path("access_token");
  }

  static String token(String user) {
    return token("mailplane-test", "mailplane-cli", user);
  }

  @Test
  void aMemberOfTheAdminGroupAdministersAndTheGrantIsAudited() {
    String domain = TestApi.uniqueDomain();
    as(token("idp-admin"))
        .body(Map.of("name", domain))
        .post("/api/v1/domains")
        .then()
        .statusCode(201);
    admin()
        .queryParam("resourceType", "domain")
        .queryParam("resourceKey", domain)
        .get("/api/v1/audit-events")
        .then()
        .statusCode(200)
        .body("items[0].actor", equalTo("mailbox:idp-admin@" + DOMAIN));
    admin()
        .queryParam("action", "mailbox.grant")
        .queryParam("resourceKey", "idp-admin@" + DOMAIN)
        .get("/api/v1/audit-events")
        .then()
        .statusCode(200)
        .body("items[-1].after.scopes", hasItem("admin"))
        .body("items[-1].after.issuer", equalTo(SsoTestProfile.ISSUER));
  }

  /**
   * A grant through the provider is in the audit log only: the configuration revision (the config
   * document's ETag, the change feed's cursor) does not move. No other test signs in as bob.
   */
  @Test
  void aGrantIsAuditedButChangesNoConfiguration() {
    String before = newestGrant("bob@" + DOMAIN);
    String revision = admin().get("/api/v1/config").then().statusCode(200).extract().header("ETag");
    as(token("bob")).get("/api/v1/mailboxes/bob@" + DOMAIN).then().statusCode(200);
    String after = newestGrant("bob@" + DOMAIN);
    assertNotEquals(before, after, "the grant was not audited");
    assertEquals(
        revision, admin().get("/api/v1/config").then().statusCode(200).extract().header("ETag"));
  }

  private static String newestGrant(String address) {
    Object id =
        admin()
            .queryParam("action", "mailbox.grant")
            .queryParam("resourceKey", address)
            .get("/api/v1/audit-events")
            .then()
            .statusCode(200)
            .extract()
            .path("items[0].id");
    return String.valueOf(id);
  }

  @Test
  void aMailboxWithoutGroupsActsAsItselfOnly() {
    String alice = token("alice");
    as(alice).get("/api/v1/mailboxes/alice@" + DOMAIN).then().statusCode(200);
    as(alice).get("/api/v1/mailboxes/bob@" + DOMAIN).then().statusCode(404);
    as(alice).get("/api/v1/domains/" + DOMAIN).then().statusCode(404);
    as(alice)
        .body(Map.of("displayName", "not alice's to change"))
        .contentType("application/merge-patch+json")
        .patch("/api/v1/mailboxes/bob@" + DOMAIN)
        .then()
        .statusCode(404);
    admin()
        .get("/api/v1/mailboxes/bob@" + DOMAIN)
        .then()
        .body("displayName", not(equalTo("not alice's to change")));
  }

  @Test
  void theDomainAdminGroupAdministersTheMailboxsOwnDomainOnly() {
    String dana = token("dana");
    String address = "made-by-dana-" + System.nanoTime() + "@" + DOMAIN;
    as(dana)
        .body(Map.of("address", address, "password", "a long mail password"))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(201);
    String elsewhere = TestApi.createDomain();
    as(dana).get("/api/v1/domains/" + elsewhere).then().statusCode(404);
    as(dana)
        .body(Map.of("address", "x@" + elsewhere, "password", "a long mail password"))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(404);
  }

  @Test
  void aMissingMailboxIsCreatedAtFirstUseInAHostedDomainOnly() {
    String newbie = "newbie@" + DOMAIN;
    if (admin().get("/api/v1/mailboxes/" + newbie).statusCode() == 200) {
      admin().delete("/api/v1/mailboxes/" + newbie).then().statusCode(204);
    }
    as(token("newbie")).get("/api/v1/mailboxes/" + newbie).then().statusCode(200);
    admin()
        .queryParam("resourceType", "mailbox")
        .queryParam("resourceKey", newbie)
        .queryParam("action", "mailbox.create")
        .get("/api/v1/audit-events")
        .then()
        .statusCode(200)
        .body("items[-1].actor", equalTo("mailbox:" + newbie));

    // In the admin group, but of a domain mailplane does not host: nothing is created.
    String stranger = token("stranger");
    unauthorized(as(stranger).get("/api/v1/domains"), stranger);
    admin().get("/api/v1/mailboxes/stranger@unhosted.example").then().statusCode(404);
  }

  @Test
  void foreignWrongAudienceExpiredUnsignedTamperedAndHmacTokensChangeNothing() throws Exception {
    String valid = token("idp-admin");
    String[] parts = valid.split("\\.");
    Base64.Decoder b64 = Base64.getUrlDecoder();
    Base64.Encoder enc = Base64.getUrlEncoder().withoutPadding();

    String foreign = token("foreign", "mailplane-cli", "alice");
    String wrongAudience = token("mailplane-test", "other-app", "idp-admin");
    String shortLived = token("mailplane-test", "short-lived", "idp-admin");
    String unsigned =
        enc.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[1]
            + ".";
    String payload = new String(b64.decode(parts[1]), StandardCharsets.UTF_8);
    String tampered =
        parts[0]
            + "."
            + enc.encodeToString(
                payload.replace("\"idp-admin@", "\"alice@").getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[2];
    assertNotEquals(valid, tampered);
    // The key confusion attack: HS256 keyed with the provider's public key, which anyone can read.
    RSAKey published =
        JWKSet.load(URI.create(SsoTestProfile.ISSUER + "/protocol/openid-connect/certs").toURL())
            .getKeys()
            .stream()
            .filter(k -> k instanceof RSAKey)
            .map(RSAKey.class::cast)
            .findFirst()
            .orElseThrow();
    SignedJWT hmac =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(published.getKeyID()).build(),
            JWTClaimsSet.parse(payload));
    hmac.sign(new MACSigner(published.toRSAPublicKey().getEncoded()));
    String unknownKid =
        enc.encodeToString(
                ("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"made-up-"
                        + System.nanoTime()
                        + "\"}")
                    .getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[1]
            + "."
            + parts[2];
    Thread.sleep(3_000); // the short-lived client's tokens live one second, the skew is one more

    for (String bad :
        List.of(
            foreign, wrongAudience, shortLived, unsigned, tampered, hmac.serialize(), unknownKid)) {
      String domain = TestApi.uniqueDomain();
      unauthorized(as(bad).body(Map.of("name", domain)).post("/api/v1/domains"), bad);
      admin().get("/api/v1/domains/" + domain).then().statusCode(404);
    }
    // The good token still works after all that.
    as(valid).get("/api/v1/domains").then().statusCode(200);
  }

  @Test
  void aRotatedSigningKeyIsFetchedWhenATokenNamesIt() throws Exception {
    String before = token("idp-admin");
    as(before).get("/api/v1/domains").then().statusCode(200);
    String keycloakAdmin =
        given()
            .formParam("grant_type", "password")
            .formParam("client_id", "admin-cli")
            .formParam("username", "admin")
            .formParam("password", "admin")
            .post(SsoTestProfile.KEYCLOAK + "/realms/master/protocol/openid-connect/token")
            .then()
            .statusCode(200)
            .extract()
            .path("access_token");
    String realm = SsoTestProfile.KEYCLOAK + "/admin/realms/mailplane-test";
    String realmId =
        given().auth().oauth2(keycloakAdmin).get(realm).then().statusCode(200).extract().path("id");
    String component =
        given()
            .auth()
            .oauth2(keycloakAdmin)
            .contentType("application/json")
            .body(
                Map.of(
                    "name",
                    "rotated-" + System.nanoTime(),
                    "providerId",
                    "rsa-generated",
                    "providerType",
                    "org.keycloak.keys.KeyProvider",
                    "parentId",
                    realmId,
                    "config",
                    Map.of("priority", List.of("1000"), "algorithm", List.of("RS256"))))
            .post(realm + "/components")
            .then()
            .statusCode(201)
            .extract()
            .header("Location");
    try {
      String after = token("idp-admin");
      assertNotEquals(kidOf(before), kidOf(after));
      Thread.sleep(1_100); // past the refetch interval of the profile
      as(after).get("/api/v1/domains").then().statusCode(200);
      as(before).get("/api/v1/domains").then().statusCode(200);
    } finally {
      given().auth().oauth2(keycloakAdmin).delete(component).then().statusCode(204);
    }
  }

  private static String kidOf(String jwt) throws java.text.ParseException {
    return SignedJWT.parse(jwt).getHeader().getKeyID();
  }

  /** 401 as problem+json, and nothing of the token's content reflected. */
  private static void unauthorized(Response response, String token) {
    response
        .then()
        .statusCode(401)
        .contentType("application/problem+json")
        .header("WWW-Authenticate", "Bearer realm=\"mailplane\"");
    String body = response.asString();
    assertFalse(body.contains(token.substring(0, 20)), body);
    assertFalse(body.contains(DOMAIN), body);
    assertFalse(body.contains("unhosted"), body);
    assertEquals(401, response.statusCode());
  }
}
