package io.mailplane.config;

import static io.mailplane.TestApi.admin;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mailplane.TestApi;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pruning a domain whose DKIM keys the export loaded into the same transaction (was a 500). */
@QuarkusTest
class ConfigPruneDkimTest {
  @Test
  void planPrunesADomainWithDkimWhenTheDocumentHasNoDkimSection() {
    String domain = TestApi.createDomain();
    admin().body(Map.of()).put("/api/v1/domains/" + domain + "/dkim").then().statusCode(201);
    List<Map<String, Object>> domains =
        admin()
            .get("/api/v1/config")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("domains");
    List<Map<String, Object>> without =
        domains.stream().filter(d -> !domain.equals(d.get("name"))).toList();

    JsonPath plan =
        admin()
            .body(Map.of("domains", without))
            .post("/api/v1/config:plan")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    // The domain goes, and its DKIM with it (the plan shows both).
    assertEquals(
        List.of("dkim:" + domain, "domain:" + domain),
        plan
            .getList(
                "changes.findAll { it.action == 'delete' }.collect { it.resource + ':' + it.key }")
            .stream()
            .sorted()
            .toList());
    admin().get("/api/v1/domains/" + domain).then().statusCode(200);
  }
}
