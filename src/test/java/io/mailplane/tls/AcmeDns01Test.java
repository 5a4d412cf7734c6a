package io.mailplane.tls;

import static io.mailplane.TestApi.admin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.NeedsDaemons;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * DNS-01 end to end: RFC 2136 updates signed with TSIG to a real BIND, which the second Pebble
 * validates through; a wildcard name included.
 */
@NeedsDaemons
@QuarkusTest
@TestProfile(AcmeTestProfile.class)
class AcmeDns01Test {
  @Test
  void issuesAWildcardCertificateThroughDynamicUpdatesAndCleansUp() throws Exception {
    String name = Acme.uniqueName();
    String zoneName = name + ".acme.test";
    admin()
        .body(Acme.dns01(List.of(zoneName, "*." + zoneName), AcmeTestProfile.PEBBLE_DNS))
        .put("/api/v1/certificates/" + name)
        .then()
        .statusCode(201);
    JsonPath valid = Acme.awaitStatus(name, "valid");
    assertEquals(List.of(zoneName, "*." + zoneName), valid.getList("domains"));

    TlsPair pair =
        new TlsVolume(Path.of(AcmeTestProfile.VOLUME), false, Optional.empty())
            .read(name)
            .orElseThrow();
    assertTrue(pair.matches());
    assertEquals("RSA", pair.key().getAlgorithm());
    Acme.verifyChain(pair.chain(), Acme.pebbleRoot(AcmeTestProfile.PEBBLE_DNS_ROOT));
    List<String> sans =
        pair.leaf().getSubjectAlternativeNames().stream().map(san -> (String) san.get(1)).toList();
    assertTrue(sans.containsAll(List.of(zoneName, "*." + zoneName)), sans.toString());

    JsonPath orders =
        admin().get("/api/v1/certificates/" + name + "/orders").then().extract().jsonPath();
    assertTrue(orders.getList("items[0].timeline.step").contains("dns-visible"));

    // The challenge records were deleted from the zone afterwards.
    SimpleResolver bind = new SimpleResolver("127.0.0.1");
    bind.setPort(AcmeTestProfile.BIND_PORT);
    Message answer =
        bind.send(
            Message.newQuery(
                Record.newRecord(
                    Name.fromString("_acme-challenge." + zoneName + "."), Type.TXT, DClass.IN)));
    assertEquals(0, answer.getSection(Section.ANSWER).size(), answer.toString());
  }
}
