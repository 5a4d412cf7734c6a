package io.mailplane.contract;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailplane.TestApi;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.OpenAPIV3Parser;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replays, call for call, what the Mastercard restapi Terraform provider does with the settings of
 * deploy/terraform/main.tf (write_returns_object, id_attribute, PUT updates,
 * ignore_server_additions, ignore_changes_to = [password]) and checks each assumption it makes:
 *
 * <ul>
 *   <li>create: POST with the data; 2xx with the full object carrying the id attribute;
 *   <li>read: GET path/{id}; the provider sends the body "{}" with Content-Type application/json
 *       (its empty read_data), which must not upset the server; 404 drops the object from state;
 *   <li>update: PUT path/{id} with the whole data; the body is the object;
 *   <li>destroy: DELETE path/{id}; any non-2xx whose error text holds "404" counts as success, so a
 *       missing object must answer 404 (not 204, not 410);
 *   <li>drift: the provider's delta check (fields of data compared with the read object, server
 *       additions ignored) finds nothing after create, read and update: a second plan is empty. And
 *       the contract behind it: what comes back is exactly the data, plus readOnly fields, minus
 *       writeOnly ones.
 * </ul>
 *
 * The objects are those of main.tf, with a unique domain.
 */
@QuarkusTest
class TerraformRestApiReplayTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static OpenAPI contract;

  /** One restapi_object resource: path, id_attribute, ignore_changes_to, its contract schema. */
  record Resource(String path, String idAttribute, Set<String> ignoreChangesTo, String schema) {}

  static final Resource DOMAIN = new Resource("/api/v1/domains", "name", Set.of(), "Domain");
  static final Resource MAILBOX =
      new Resource("/api/v1/mailboxes", "address", Set.of("password"), "Mailbox");
  static final Resource ALIAS = new Resource("/api/v1/aliases", "address", Set.of(), "Alias");

  @BeforeAll
  static void readContract() {
    contract = new OpenAPIV3Parser().read(ContractTools.SPEC.toString());
  }

  @Test
  void providerLifecycleHoldsForDomainsMailboxesAndAliases() throws Exception {
    String domain = TestApi.uniqueDomain();
    ObjectNode domainData =
        data(
            Map.of(
                "name",
                domain,
                "description",
                "Managed by Terraform",
                "enabled",
                true,
                "limits",
                Map.of(
                    "maxMailboxes", 100,
                    "maxAliases", 500,
                    "maxQuotaMb", 10240,
                    "defaultQuotaMb", 2048)));
    ObjectNode mailboxData =
        data(
            Map.of(
                "address",
                "john@" + domain,
                "displayName",
                "John Doe",
                "password",
                "correct horse battery staple",
                "quotaMb",
                4096,
                "enabled",
                true,
                "sendOnly",
                false,
                "admin",
                false,
                "domainAdmin",
                false));
    ObjectNode aliasData =
        data(
            Map.of(
                "address",
                "sales@" + domain,
                "destinations",
                List.of("john@" + domain),
                "enabled",
                true,
                "description",
                "Sales team"));
    ObjectNode catchAllData =
        data(
            Map.of(
                "address",
                "@" + domain,
                "destinations",
                List.of("john@" + domain),
                "enabled",
                true,
                "description",
                "Everything else"));

    // terraform apply: creates in dependency order, then refresh + plan
    String domainId = createReadAndPlan(DOMAIN, domainData);
    String mailboxId = createReadAndPlan(MAILBOX, mailboxData);
    String aliasId = createReadAndPlan(ALIAS, aliasData);
    String catchAllId = createReadAndPlan(ALIAS, catchAllData);
    assertEquals(domain, domainId);
    assertEquals("@" + domain, catchAllId);

    // edit the .tf and apply: PUT with the whole data, then a second plan shows nothing
    domainData.put("description", "Still managed by Terraform");
    ((ObjectNode) domainData.get("limits")).put("maxMailboxes", 200);
    updateReadAndPlan(DOMAIN, domainId, domainData);
    mailboxData.put("displayName", "John Q. Doe");
    mailboxData.put("quotaMb", 8192);
    updateReadAndPlan(MAILBOX, mailboxId, mailboxData);
    aliasData.set("destinations", JSON.valueToTree(List.of("john@" + domain, "ext@example.org")));
    updateReadAndPlan(ALIAS, aliasId, aliasData);

    // terraform destroy: reverse dependency order; each object is gone afterwards, and a second
    // destroy (object removed behind Terraform's back) is the 404 the provider treats as done
    for (var entry :
        List.of(
            Map.entry(ALIAS, catchAllId),
            Map.entry(ALIAS, aliasId),
            Map.entry(MAILBOX, mailboxId),
            Map.entry(DOMAIN, domainId))) {
      Resource resource = entry.getKey();
      String id = entry.getValue();
      assertEquals(204, destroy(resource, id).statusCode(), "DELETE " + id);
      Response read = read(resource, id);
      assertEquals(404, read.statusCode(), "read after delete drops it from state: " + id);
      Response again = destroy(resource, id);
      assertEquals(404, again.statusCode(), "DELETE of a missing object: " + id);
      assertEquals("application/problem+json", again.contentType());
    }
  }

  private String createReadAndPlan(Resource resource, ObjectNode data) throws Exception {
    Response created =
        provider().body(data.toString()).post(resource.path()).then().extract().response();
    assertEquals(201, created.statusCode(), created.asString());
    JsonNode object = JSON.readTree(created.asString());
    JsonNode id = object.get(resource.idAttribute());
    assertTrue(id != null && id.isTextual(), "create must return the id attribute: " + object);
    assertEquals(data.get(resource.idAttribute()), id, "the id is the key as written");
    assertWrittenPlusReadOnly(resource, data, object);
    assertNoDrift(resource, data, object, "after create");
    readAndPlan(resource, id.asText(), data);
    return id.asText();
  }

  private void updateReadAndPlan(Resource resource, String id, ObjectNode data) throws Exception {
    Response updated =
        provider()
            .body(data.toString())
            .put(resource.path() + "/" + id)
            .then()
            .extract()
            .response();
    assertEquals(200, updated.statusCode(), updated.asString());
    JsonNode object = JSON.readTree(updated.asString());
    assertWrittenPlusReadOnly(resource, data, object);
    assertNoDrift(resource, data, object, "after update");
    readAndPlan(resource, id, data);
  }

  private void readAndPlan(Resource resource, String id, ObjectNode data) throws Exception {
    Response read = read(resource, id);
    assertEquals(200, read.statusCode(), read.asString());
    JsonNode object = JSON.readTree(read.asString());
    assertWrittenPlusReadOnly(resource, data, object);
    assertNoDrift(resource, data, object, "on refresh");
  }

  /** The provider's read: GET with its (empty) read_data "{}" as a JSON body. */
  private static Response read(Resource resource, String id) {
    return provider().body("{}").get(resource.path() + "/" + id).then().extract().response();
  }

  /** The provider's destroy: DELETE without a body (empty destroy_data is not sent). */
  private static Response destroy(Resource resource, String id) {
    return given()
        .header("Authorization", "Bearer " + TestApi.ADMIN_TOKEN)
        .delete(resource.path() + "/" + id)
        .then()
        .extract()
        .response();
  }

  /** The provider's headers: the ones main.tf sets, on every request. */
  private static io.restassured.specification.RequestSpecification provider() {
    return given()
        .header("Authorization", "Bearer " + TestApi.ADMIN_TOKEN)
        .header("Content-Type", "application/json");
  }

  /**
   * The provider's delta check with ignore_server_additions: every field of data (except
   * ignore_changes_to) must come back equal; maps compared recursively, lists as a whole, numbers
   * as float64 (the provider decodes JSON into Go interfaces).
   */
  private static void assertNoDrift(Resource resource, JsonNode data, JsonNode api, String when) {
    String delta = delta(data, api, resource.ignoreChangesTo(), "");
    if (delta != null) {
      fail(
          "Terraform would plan a change "
              + when
              + " at "
              + delta
              + "\ndata: "
              + data
              + "\napi: "
              + api);
    }
  }

  private static String delta(JsonNode recorded, JsonNode actual, Set<String> ignore, String at) {
    Iterator<Map.Entry<String, JsonNode>> fields = recorded.fields();
    while (fields.hasNext()) {
      var field = fields.next();
      String key = field.getKey();
      if (ignore.contains(key)) {
        continue;
      }
      JsonNode want = field.getValue();
      JsonNode got = actual == null ? null : actual.get(key);
      if (want.isObject()) {
        if (got == null || !got.isObject()) {
          return at + key;
        }
        String inner = delta(want, got, Set.of(), at + key + ".");
        if (inner != null) {
          return inner;
        }
      } else if (!sameValue(want, got)) {
        return at + key;
      }
    }
    return null;
  }

  private static boolean sameValue(JsonNode want, JsonNode got) {
    if (got == null) {
      return want.isNull();
    }
    if (want.isNumber() && got.isNumber()) {
      return want.doubleValue() == got.doubleValue();
    }
    if (want.isArray() && got.isArray()) {
      if (want.size() != got.size()) {
        return false;
      }
      for (int i = 0; i < want.size(); i++) {
        if (!sameValue(want.get(i), got.get(i))) {
          return false;
        }
      }
      return true;
    }
    return want.equals(got);
  }

  /**
   * The object read back is exactly the data written, plus fields the contract marks readOnly,
   * minus fields it marks writeOnly: nothing the client did not write appears unannounced.
   */
  private static void assertWrittenPlusReadOnly(Resource resource, JsonNode data, JsonNode api) {
    Map<String, Schema> properties =
        contract.getComponents().getSchemas().get(resource.schema()).getProperties();
    api.fieldNames()
        .forEachRemaining(
            key -> {
              if (!data.has(key)) {
                Schema<?> property = properties.get(key);
                assertTrue(
                    property != null && Boolean.TRUE.equals(property.getReadOnly()),
                    resource.schema()
                        + "."
                        + key
                        + " came back but was not written and is not readOnly in the contract");
              }
            });
    data.fieldNames()
        .forEachRemaining(
            key -> {
              Schema<?> property = properties.get(key);
              assertTrue(
                  property != null, resource.schema() + "." + key + " is not in the contract");
              if (Boolean.TRUE.equals(property.getWriteOnly())) {
                assertFalse(
                    api.has(key), resource.schema() + "." + key + " is writeOnly but returned");
              } else {
                assertTrue(
                    sameValue(data.get(key), api.get(key)) || data.get(key).isObject(),
                    resource.schema() + "." + key + " came back as " + api.get(key));
              }
            });
  }

  private static ObjectNode data(Map<String, Object> fields) {
    return JSON.valueToTree(new java.util.TreeMap<>(fields));
  }
}
