package io.mailplane.dkim;

import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.as;
import static io.mailplane.TestApi.createDomain;
import static io.mailplane.TestApi.token;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.push.OutboxEvent;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.StringWriter;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;

@QuarkusTest
class DkimResourceTest {
  @Inject SigningKeys signingKeys;
  @Inject DkimService service;

  private static String dkim(String domain) {
    return "/api/v1/domains/" + domain + "/dkim";
  }

  private static long outboxCount(String domain) {
    return OutboxEvent.count("kind = ?1 and key = ?2", "dkim", domain);
  }

  /** Everything a client or auditor can see about a domain's DKIM. */
  private static String visibleText(String domain) {
    return admin().get(dkim(domain)).asString()
        + admin()
            .queryParam("resourceType", "dkim")
            .queryParam("resourceKey", domain)
            .queryParam("limit", 1000)
            .get("/api/v1/audit-events")
            .asString();
  }

  private static String pem(Object key) throws Exception {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(key);
    }
    return out.toString();
  }

  /** The base64 body of a PEM or an Rspamd value: what must never leak. */
  private static String secretCore(String value) {
    String body = value.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return body.substring(body.length() / 2, body.length() / 2 + 40);
  }

  @Test
  void enableGetRotateRetireDisable() {
    String domain = createDomain();
    admin().get(dkim(domain)).then().statusCode(404);
    long events = outboxCount(domain);

    String etag =
        admin()
            .body(Map.of())
            .put(dkim(domain))
            .then()
            .statusCode(201)
            .body("enabled", equalTo(true))
            .body("selector", equalTo("dkim"))
            .body("algorithm", equalTo("rsa"))
            .body("keyBits", equalTo(2048))
            .body("selectors", hasSize(1))
            .body("selectors[0].status", equalTo("active"))
            .body("selectors[0].dnsRecord.name", equalTo("dkim._domainkey." + domain))
            .body("selectors[0].dnsRecord.value", startsWith("v=DKIM1; k=rsa; p=MII"))
            .body("selectors[0].dnsRecord.strings", hasSize(2))
            .extract()
            .header("ETag");
    assertEquals(events + 1, outboxCount(domain));

    Map<String, String> signing = RspamdRedisTarget.fields(signingKeys.of(domain));
    assertEquals(List.of("dkim." + domain), List.copyOf(signing.keySet()));
    String pemValue = signing.get("dkim." + domain);
    assertTrue(pemValue.startsWith("-----BEGIN PRIVATE KEY-----"), "Rspamd gets a PEM");

    // echoing GET back changes nothing
    Map<String, Object> echoed = admin().get(dkim(domain)).then().extract().jsonPath().getMap("");
    admin().body(echoed).put(dkim(domain)).then().statusCode(200).header("ETag", etag);
    assertEquals(events + 1, outboxCount(domain));

    // rotation: the new selector signs, the old one stays published as retiring
    admin()
        .header("If-Match", "\"999\"")
        .body(Map.of())
        .post(dkim(domain) + "/rotate")
        .then()
        .statusCode(412);
    admin()
        .header("If-Match", etag)
        .body(Map.of("selector", "s2", "algorithm", "ed25519"))
        .post(dkim(domain) + "/rotate")
        .then()
        .statusCode(200)
        .body("selector", equalTo("s2"))
        .body("algorithm", equalTo("ed25519"))
        .body("selectors", hasSize(2))
        .body("selectors[0].selector", equalTo("s2"))
        .body("selectors[0].dnsRecord.value", startsWith("v=DKIM1; k=ed25519; p="))
        .body("selectors[1].selector", equalTo("dkim"))
        .body("selectors[1].status", equalTo("retiring"))
        .body("selectors[1].retireAt", notNullValue());
    assertEquals(events + 2, outboxCount(domain));
    Map<String, String> afterRotation = RspamdRedisTarget.fields(signingKeys.of(domain));
    assertEquals(List.of("s2." + domain), List.copyOf(afterRotation.keySet()));
    assertEquals(88, afterRotation.get("s2." + domain).length(), "base64 of 64 bytes");
    admin().body(Map.of("selector", "s2")).post(dkim(domain) + "/rotate").then().statusCode(409);
    // a generated selector
    admin()
        .body(Map.of())
        .post(dkim(domain) + "/rotate")
        .then()
        .statusCode(200)
        .body("selector", startsWith("dkim-20"))
        .body("selectors", hasSize(3));

    // retirement: nothing before the overlap ends, both retiring selectors after it
    service.retireDue(Instant.now());
    admin().get(dkim(domain)).then().body("selectors", hasSize(3));
    long beforeRetire = outboxCount(domain);
    service.retireDue(Instant.now().plus(java.time.Duration.ofDays(8)));
    admin()
        .get(dkim(domain))
        .then()
        .body("selectors", hasSize(1))
        .body("selectors[0].status", equalTo("active"));
    assertEquals(beforeRetire + 1, outboxCount(domain));
    admin()
        .get("/api/v1/domains/" + domain + "/dns")
        .then()
        .statusCode(200)
        .body("records.findAll { it.purpose == 'dkim' }", hasSize(1));

    String visible = visibleText(domain);
    assertFalse(visible.contains(secretCore(pemValue)), "RSA private key leaked");
    assertFalse(
        visible.contains(afterRotation.get("s2." + domain).substring(0, 43)), "Ed25519 key leaked");
    assertTrue(visible.contains("dkim.rotate") && visible.contains("dkim.retire"));

    admin().delete(dkim(domain)).then().statusCode(204);
    admin().delete(dkim(domain)).then().statusCode(404);
    assertTrue(RspamdRedisTarget.fields(signingKeys.of(domain)).isEmpty());
    assertEquals(beforeRetire + 2, outboxCount(domain));
    // Deleted is gone: a Terraform-style client drops it from its state on this 404.
    admin()
        .get(dkim(domain))
        .then()
        .statusCode(404)
        .contentType("application/problem+json")
        .header("ETag", nullValue());
  }

  @Test
  void importsValidRsaAndEd25519Keys() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);
    KeyPair rsaPair = rsa.generateKeyPair();
    String rsaPem = pem(rsaPair.getPrivate());
    String domain = createDomain();
    admin()
        .body(Map.of("privateKey", rsaPem))
        .put(dkim(domain))
        .then()
        .statusCode(201)
        .body("keyBits", equalTo(1024))
        .body("privateKey", equalTo(null))
        .body(
            "selectors[0].publicKey",
            equalTo(
                java.util.Base64.getEncoder().encodeToString(rsaPair.getPublic().getEncoded())));
    // same key again: no change, no event
    long events = outboxCount(domain);
    admin().body(Map.of("privateKey", rsaPem)).put(dkim(domain)).then().statusCode(200);
    assertEquals(events, outboxCount(domain));
    String visible = visibleText(domain);
    assertFalse(visible.contains(secretCore(rsaPem)), "imported key leaked");

    KeyPair edPair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    String edPem = pem(edPair.getPrivate());
    String other = createDomain();
    admin()
        .body(Map.of("privateKey", edPem, "selector", "ed"))
        .put(dkim(other))
        .then()
        .statusCode(201)
        .body("algorithm", equalTo("ed25519"))
        .body("selectors[0].dnsRecord.name", equalTo("ed._domainkey." + other));
    byte[] spki = edPair.getPublic().getEncoded();
    String rawPub =
        java.util.Base64.getEncoder()
            .encodeToString(java.util.Arrays.copyOfRange(spki, spki.length - 32, spki.length));
    admin().get(dkim(other)).then().body("selectors[0].publicKey", equalTo(rawPub));
    String value = RspamdRedisTarget.fields(signingKeys.of(other)).get("ed." + other);
    byte[] raw = java.util.Base64.getDecoder().decode(value);
    assertEquals(
        rawPub,
        java.util.Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(raw, 32, 64)));
  }

  @Test
  void rejectsBadPrivateKeys() throws Exception {
    String domain = createDomain();
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    KeyPairGenerator small = KeyPairGenerator.getInstance("RSA");
    small.initialize(512);
    List<String> bad =
        List.of(
            "garbage",
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
            pem(pair.getPublic()),
            pem(small.generateKeyPair().getPrivate()),
            "-----BEGIN PRIVATE KEY-----\n" + "A".repeat(9000) + "\n-----END PRIVATE KEY-----\n");
    for (String key : bad) {
      admin()
          .body(Map.of("privateKey", key))
          .put(dkim(domain))
          .then()
          .statusCode(400)
          .contentType("application/problem+json")
          .body("errors.field", hasItem("privateKey"));
    }
    admin()
        .body(Map.of("privateKey", pem(pair.getPrivate()), "algorithm", "rsa"))
        .put(dkim(domain))
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("privateKey"));
    admin().body(Map.of("keyBits", 512)).put(dkim(domain)).then().statusCode(400);
    admin().get(dkim(domain)).then().statusCode(404);
  }

  @Test
  void domainScopedTokensManageOnlyTheirDomain() {
    String mine = createDomain();
    String theirs = createDomain();
    String scoped = token("domain:" + mine);
    String reader = token("read");
    as(scoped).body(Map.of("algorithm", "ed25519")).put(dkim(mine)).then().statusCode(201);
    as(scoped).body(Map.of()).put(dkim(theirs)).then().statusCode(404);
    as(scoped).get(dkim(theirs)).then().statusCode(404);
    as(reader).get(dkim(mine)).then().statusCode(200).body("enabled", equalTo(true));
    as(reader).body(Map.of()).post(dkim(mine) + "/rotate").then().statusCode(403);
    as(reader).delete(dkim(mine)).then().statusCode(403);
    as(scoped).delete(dkim(mine)).then().statusCode(204);
  }

  @Test
  void deletingTheDomainRemovesItsKeys() {
    String domain = createDomain();
    admin()
        .body(new HashMap<>(Map.of("algorithm", "ed25519")))
        .put(dkim(domain))
        .then()
        .statusCode(201);
    long events = outboxCount(domain);
    admin().delete("/api/v1/domains/" + domain).then().statusCode(204);
    assertEquals(events + 1, outboxCount(domain));
    assertTrue(RspamdRedisTarget.fields(signingKeys.of(domain)).isEmpty());
  }
}
