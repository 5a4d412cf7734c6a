package io.mailplane.api;

import static io.mailplane.TestApi.ADMIN_TOKEN;
import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.createAlias;
import static io.mailplane.TestApi.createDomain;
import static io.mailplane.TestApi.createMailbox;
import static io.mailplane.TestApi.uniqueDomain;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailplane.contract.ResponseContract;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Malformed, oversized and hostile input against every write endpoint. Every case must be refused
 * with a 4xx problem document and leave no trace: the same objects (the newest id of every table)
 * and no new audit event.
 */
@QuarkusTest
class HostileInputTest {
  private static final String JSON = "application/json";
  private static final String PASSWORD = "Sup3r-Secret-Passw0rd";
  private static final String TEN_KB = "x".repeat(10 * 1024);
  // Escaped so that a lone surrogate reaches the server as \ud800, not as '?' from the encoder.
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(JsonGenerator.Feature.ESCAPE_NON_ASCII);

  @TestHTTPResource("/")
  URL base;

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  /** Stands for a new unique name in POST bodies, so no case collides with an earlier one. */
  private static final String FRESH = "freshplaceholder";

  // --- fixture: one domain with a mailbox and an alias, and an alias domain pointing at it ---

  private static String domain;
  private static String aliasDomain;

  private static void fixture() {
    if (domain == null) {
      domain = createDomain();
      createMailbox("m@" + domain, PASSWORD);
      createAlias("a@" + domain, List.of("x@external.example"));
      aliasDomain = uniqueDomain();
      admin()
          .body(Map.of("name", aliasDomain, "targetDomain", domain))
          .post("/api/v1/alias-domains")
          .then()
          .statusCode(201);
    }
  }

  /** A write endpoint and a body it accepts, which the cases then spoil. */
  record Endpoint(String method, String path, Map<String, Object> valid) {
    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  private static Map<String, Object> map(Object... keyValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put((String) keyValues[i], keyValues[i + 1]);
    }
    return map;
  }

  private static List<Endpoint> endpoints() {
    fixture();
    return List.of(
        new Endpoint("POST", "/api/v1/domains", map("name", FRESH + ".example")),
        new Endpoint("PUT", "/api/v1/domains/" + domain, map("description", "changed")),
        new Endpoint("PATCH", "/api/v1/domains/" + domain, map("description", "changed")),
        new Endpoint(
            "POST",
            "/api/v1/alias-domains",
            map("name", FRESH + ".example", "targetDomain", domain)),
        new Endpoint(
            "PUT",
            "/api/v1/alias-domains/" + aliasDomain,
            map("targetDomain", domain, "description", "changed")),
        new Endpoint("PATCH", "/api/v1/alias-domains/" + aliasDomain, map("enabled", false)),
        new Endpoint(
            "POST",
            "/api/v1/mailboxes",
            map("address", FRESH + "@" + domain, "password", PASSWORD)),
        new Endpoint("PUT", "/api/v1/mailboxes/m@" + domain, map("displayName", "changed")),
        new Endpoint("PATCH", "/api/v1/mailboxes/m@" + domain, map("displayName", "changed")),
        new Endpoint(
            "POST",
            "/api/v1/aliases",
            map("address", FRESH + "@" + domain, "destinations", List.of("y@external.example"))),
        new Endpoint(
            "PUT", "/api/v1/aliases/a@" + domain, map("destinations", List.of("y@x.example"))),
        new Endpoint("PATCH", "/api/v1/aliases/a@" + domain, map("description", "changed")),
        new Endpoint("POST", "/api/v1/tokens", map("name", "hostile", "scopes", List.of("read"))));
  }

  // --- one case ---

  record Case(
      String label,
      String method,
      String path,
      String contentType,
      byte[] body,
      boolean chunked,
      Map<String, String> headers,
      Integer status,
      String field,
      boolean transport) {
    Case expect(int expected) {
      return new Case(
          label, method, path, contentType, body, chunked, headers, expected, field, transport);
    }

    Case field(String expected) {
      return new Case(
          label, method, path, contentType, body, chunked, headers, status, expected, transport);
    }

    /** Refused by the HTTP layer before the application sees it: no problem document there. */
    Case byTransport() {
      return new Case(
          label, method, path, contentType, body, chunked, headers, status, field, true);
    }

    Case sentChunked() {
      return new Case(
          label, method, path, contentType, body, true, headers, status, field, transport);
    }

    Case header(String name, String value) {
      Map<String, String> all = new LinkedHashMap<>(headers);
      all.put(name, value);
      return new Case(
          label, method, path, contentType, body, chunked, all, status, field, transport);
    }
  }

  private static Case raw(Endpoint endpoint, String label, String contentType, byte[] body) {
    return new Case(
        endpoint + " " + label,
        endpoint.method(),
        endpoint.path(),
        contentType,
        body,
        false,
        Map.of(),
        null,
        null,
        false);
  }

  private static Case raw(Endpoint endpoint, String label, String body) {
    body = body.replace(FRESH, uniqueDomain().replace(".example", ""));
    return raw(
        endpoint,
        label,
        endpoint.method().equals("PATCH") ? MergePatch.MEDIA_TYPE : JSON,
        body.getBytes(StandardCharsets.UTF_8));
  }

  /** The endpoint's valid body with some fields replaced (a null value removes the field). */
  private static Case with(Endpoint endpoint, String label, Map<String, Object> changes) {
    Map<String, Object> body = new LinkedHashMap<>(endpoint.valid());
    changes.forEach(
        (key, value) -> {
          if (value == null) {
            body.remove(key);
          } else {
            body.put(key, value);
          }
        });
    return raw(endpoint, label, json(body));
  }

  private static String json(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  // --- the state that must not change ---

  /**
   * Every successful write adds an audit event in its transaction and inserts get new ids, so the
   * newest id of each table is a cheap fingerprint that stays fast as the test database grows.
   */
  record Snapshot(List<Long> newestIds) {}

  private static final List<String> TABLES =
      List.of("audit_event", "domain", "alias_domain", "mailbox", "alias", "api_token");

  @Inject DataSource dataSource;

  private Snapshot snapshot() throws SQLException {
    List<Long> ids = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      for (String table : TABLES) {
        try (ResultSet row = statement.executeQuery("SELECT COALESCE(MAX(id), 0) FROM " + table)) {
          row.next();
          ids.add(row.getLong(1));
        }
      }
    }
    return new Snapshot(ids);
  }

  private HttpResponse<String> send(Case c) throws Exception {
    HttpRequest.BodyPublisher publisher;
    if (c.body() == null) {
      publisher = HttpRequest.BodyPublishers.noBody();
    } else if (c.chunked()) {
      byte[] bytes = c.body();
      publisher = HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes));
    } else {
      publisher = HttpRequest.BodyPublishers.ofByteArray(c.body());
    }
    String root = base.toString().replaceFirst("/$", "");
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(root + c.path()))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + ADMIN_TOKEN)
            .method(c.method(), publisher);
    if (c.contentType() != null) {
      request.header("Content-Type", c.contentType());
    }
    c.headers().forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Runs every case; collects all failures so one run shows the whole picture. */
  private void check(List<Case> cases) throws Exception {
    List<String> failures = new ArrayList<>();
    Snapshot before = snapshot();
    for (Case c : cases) {
      HttpResponse<String> response;
      try {
        response = send(c);
      } catch (java.io.IOException e) {
        // Vert.x answers an over-limit upload with 413 and "Connection: close" while the client is
        // still sending, so the client may see the connection close instead of the answer.
        if (!c.transport()) {
          failures.add(c.label() + ": connection failed: " + e);
        }
        Snapshot after = snapshot();
        if (!after.equals(before)) {
          failures.add(c.label() + ": state changed: " + before + " -> " + after);
        }
        before = after;
        continue;
      }
      int status = response.statusCode();
      String type = response.headers().firstValue("Content-Type").orElse("");
      String body = response.body();
      List<String> problems = new ArrayList<>();
      if (status < 400 || status > 499) {
        problems.add("status " + status);
      }
      if (c.status() != null && status != c.status()) {
        problems.add("expected " + c.status() + ", got " + status);
      }
      if (c.transport() && type.isEmpty() && body.isEmpty()) {
        // the HTTP layer's bare answer; status and state are still checked
      } else if (!type.startsWith(Problem.MEDIA_TYPE)) {
        problems.add("Content-Type '" + type + "'");
      } else {
        JsonPath problem = JsonPath.from(body);
        if (!String.valueOf(problem.getString("type")).startsWith("urn:mailplane:problem:")
            || problem.getInt("status") != status) {
          problems.add("not a problem document");
        }
        if (c.field() != null) {
          List<String> fields = problem.getList("errors.field");
          if (fields == null || !fields.contains(c.field())) {
            problems.add("errors[].field " + fields + " lacks '" + c.field() + "'");
          }
        }
        if (body.contains("Exception") || body.contains("\tat ")) {
          problems.add("stack trace in body");
        }
      }
      try {
        ResponseContract.check(response.request(), response);
      } catch (AssertionError e) {
        problems.add(e.getMessage());
      }
      Snapshot after = snapshot();
      if (!after.equals(before)) {
        problems.add("state changed: " + before + " -> " + after);
      }
      before = after;
      if (!problems.isEmpty()) {
        String excerpt = body.length() > 300 ? body.substring(0, 300) + "..." : body;
        String failure =
            printable(c.label() + ": " + String.join(", ", problems) + " | " + excerpt);
        System.out.println("HOSTILE FAILURE " + failure);
        failures.add(failure);
      }
    }
    assertTrue(
        failures.isEmpty(),
        failures.size() + " of " + cases.size() + " cases failed:\n" + String.join("\n", failures));
  }

  // --- the corpus ---

  @Test
  void malformedBodies() throws Exception {
    List<Case> cases = new ArrayList<>();
    for (Endpoint e : endpoints()) {
      String valid = json(e.valid());
      for (String body :
          List.of(
              "{",
              "{\"name\":",
              "{name: \"x\"}",
              "{'name': 'x'}",
              "not json",
              "{\"a\":1,}",
              "\u0000",
              "{\"description\":\"raw \u0001 control\"}",
              valid.substring(0, valid.length() - 1),
              valid + "}",
              valid + " {\"enabled\":false}",
              valid + " trailing",
              "\uFEFF" + valid.replace("{", "{\"bogus\":1,"),
              "[]",
              "[" + valid + "]",
              "\"" + valid.replace("\"", "\\\"") + "\"",
              "42",
              "true",
              "null",
              "",
              "   ")) {
        cases.add(raw(e, "body " + abbreviate(body), body).expect(400));
      }
      // Invalid UTF-8.
      cases.add(
          raw(
                  e,
                  "invalid UTF-8",
                  e.method().equals("PATCH") ? MergePatch.MEDIA_TYPE : JSON,
                  concat(
                      "{\"name\":\"".getBytes(StandardCharsets.UTF_8),
                      new byte[] {(byte) 0xc3, (byte) 0x28, (byte) 0xff},
                      "\"}".getBytes(StandardCharsets.UTF_8)))
              .expect(400));
      // Deep nesting.
      cases.add(raw(e, "deep nesting", "[".repeat(5000) + "]".repeat(5000)).expect(400));
      cases.add(
          raw(e, "deep object nesting", "{\"a\":".repeat(3000) + "1" + "}".repeat(3000))
              .expect(400));
    }
    check(cases);
  }

  @Test
  void unknownFieldsAreNamed() throws Exception {
    List<Case> cases = new ArrayList<>();
    for (Endpoint e : endpoints()) {
      cases.add(with(e, "unknown field", map("bogus", 1)).expect(400).field("bogus"));
      cases.add(
          raw(e, "unknown null field kept", json(e.valid()).replace("{", "{\"nope\":null,"))
              .expect(400)
              .field("nope"));
      cases.add(with(e, "misspelt field", map("Enabled", true)).expect(400).field("Enabled"));
      cases.add(
          with(e, "prototype pollution", map("__proto__", map("admin", true)))
              .expect(400)
              .field("__proto__"));
    }
    Endpoint postDomain = endpoints().get(0);
    cases.add(
        with(postDomain, "nested unknown field", map("limits", map("maxMailboxes", 1, "bogus", 2)))
            .expect(400)
            .field("limits.bogus"));
    check(cases);
  }

  @Test
  void wrongTypes() throws Exception {
    fixture();
    List<Case> cases = new ArrayList<>();
    List<Endpoint> endpoints = endpoints();
    Map<String, List<Object>> wrong = new LinkedHashMap<>();
    wrong.put("name", List.of(map("a", 1), List.of("x.example")));
    wrong.put("description", List.of(map("a", 1), List.of("x")));
    wrong.put("enabled", List.of("yes", map("a", true), List.of(true)));
    wrong.put("limits", List.of("big", 5, List.of(1)));
    wrong.put("targetDomain", List.of(map("name", domain), List.of(domain)));
    wrong.put("address", List.of(map("a", 1), List.of("x@" + domain)));
    wrong.put("password", List.of(map("a", 1), List.of(PASSWORD)));
    wrong.put("passwordHash", List.of(map("a", 1)));
    wrong.put("displayName", List.of(map("a", 1)));
    wrong.put("quotaMb", List.of("lots", true, map("a", 1), List.of(1)));
    wrong.put("sendOnly", List.of("no", List.of(false)));
    wrong.put("destinations", List.of("y@x.example", 5, map("a", "y@x.example")));
    wrong.put("scopes", List.of("read", 5, map("a", "read"), List.of(List.of("read"))));
    wrong.put("expiresAt", List.of("tomorrow", true, List.of(1), "2030-13-45T99:00:00Z"));
    Map<String, List<String>> fieldsOf =
        Map.of(
            "domains", List.of("name", "description", "enabled", "limits"),
            "alias-domains", List.of("name", "targetDomain", "description", "enabled"),
            "mailboxes",
                List.of(
                    "address",
                    "password",
                    "passwordHash",
                    "displayName",
                    "quotaMb",
                    "enabled",
                    "sendOnly"),
            "aliases", List.of("address", "destinations", "description", "enabled"),
            "tokens", List.of("name", "scopes", "expiresAt"));
    for (Endpoint e : endpoints) {
      String collection = e.path().split("/")[3];
      for (String field : fieldsOf.get(collection)) {
        for (Object value : wrong.get(field)) {
          cases.add(with(e, field + "=" + json(value), map(field, value)).expect(400));
        }
      }
    }
    Endpoint postDomain = endpoints.get(0);
    for (Object value : List.of("ten", true, List.of(1), map("a", 1))) {
      cases.add(
          with(
                  postDomain,
                  "limits.maxMailboxes=" + json(value),
                  map("limits", map("maxMailboxes", value)))
              .expect(400));
    }
    check(cases);
  }

  @Test
  void numbersOutOfRange() throws Exception {
    List<Case> cases = new ArrayList<>();
    List<Endpoint> endpoints = endpoints();
    String[] huge = {
      "-1",
      "-9223372036854775808",
      "9223372036854775808",
      "18446744073709551616",
      "1e400",
      "-1e400",
      "16777217",
      "2147483648",
      "1" + "0".repeat(500)
    };
    for (Endpoint e : endpoints) {
      String collection = e.path().split("/")[3];
      String valid = json(e.valid());
      String head = valid.substring(0, valid.length() - 1) + (e.valid().isEmpty() ? "" : ",");
      for (String number : huge) {
        if (collection.equals("mailboxes")) {
          cases.add(raw(e, "quotaMb " + number, head + "\"quotaMb\":" + number + "}").expect(400));
        }
        if (collection.equals("domains")) {
          for (String limit :
              List.of("maxMailboxes", "maxAliases", "maxQuotaMb", "defaultQuotaMb")) {
            cases.add(
                raw(
                        e,
                        "limits." + limit + " " + abbreviate(number),
                        head + "\"limits\":{\"" + limit + "\":" + number + "}}")
                    .expect(400));
          }
        }
      }
      if (collection.equals("mailboxes")) {
        cases.add(raw(e, "quotaMb NaN", head + "\"quotaMb\":NaN}").expect(400));
        cases.add(raw(e, "quotaMb Infinity", head + "\"quotaMb\":Infinity}").expect(400));
        cases.add(raw(e, "quotaMb hex", head + "\"quotaMb\":0x10}").expect(400));
        cases.add(raw(e, "quotaMb leading zero", head + "\"quotaMb\":012}").expect(400));
        cases.add(raw(e, "quotaMb 1e3 string", head + "\"quotaMb\":\"-5\"}").expect(400));
      }
      if (collection.equals("tokens")) {
        cases.add(
            with(e, "expiresAt in the past", map("expiresAt", "2001-01-01T00:00:00Z"))
                .expect(400)
                .field("expiresAt"));
        cases.add(
            with(e, "expiresAt year 300000", map("expiresAt", "+300000-01-01T00:00:00Z"))
                .expect(400));
        for (String number : List.of("1e300", "-1e300", "253402300800", "-62135596801")) {
          cases.add(
              raw(e, "expiresAt " + number, head + "\"expiresAt\":" + number + "}").expect(400));
        }
        cases.add(
            with(e, "expiresAt year 10000", map("expiresAt", "+10000-01-01T00:00:00Z"))
                .expect(400));
      }
    }
    check(cases);
  }

  @Test
  void hostileNamesInBodies() throws Exception {
    fixture();
    List<String> hostileDomains =
        List.of(
            "a/b.example",
            "../etc.example",
            "..",
            ".",
            "example..com",
            "a%b.example",
            "%2e%2e.example",
            "a\u0000b.example",
            "a\nb.example",
            "a\r\nb.example",
            "a\"b.example",
            "a'b.example",
            "x' OR '1'='1.example",
            "x.example'; DROP TABLE domain; --",
            "x.example\" OR 1=1 --",
            "a b.example",
            "a\tb.example",
            "-x.example",
            "x-.example",
            "x.123",
            "localhost",
            "*.example.com",
            "a_b.example",
            "a\\b.example",
            "a;b.example",
            "<script>.example",
            "$(reboot).example",
            "`id`.example",
            "${jndi:ldap://x}.example",
            TEN_KB + ".example",
            "a." + "b".repeat(64) + ".example",
            ("a".repeat(60) + ".").repeat(5) + "example",
            "\u202eelpmaxe.com",
            "exa\u200bmple\u0000.com",
            "\ud800.example",
            "\ud83d\udca9.example",
            "xn--.example",
            "");
    List<String> hostileLocals =
        List.of(
            "a/b",
            "..",
            "../x",
            ".a",
            "a.",
            "a%b",
            "a\u0000b",
            "a\nb",
            "a\"b",
            "a b",
            "a\\b",
            "a,b",
            "a;b",
            "a:b",
            "a<b>",
            "(comment)a",
            "x' OR '1'='1",
            "x'; DROP TABLE mailbox; --",
            "jöhn",
            "\u202eevil",
            "a\u200bb",
            TEN_KB,
            "\ud800");
    List<Case> cases = new ArrayList<>();
    List<Endpoint> endpoints = endpoints();
    for (Endpoint e : endpoints) {
      String collection = e.path().split("/")[3];
      boolean create = e.method().equals("POST");
      for (String name : hostileDomains) {
        String label = "'" + abbreviate(name) + "'";
        switch (collection) {
          case "domains" -> {
            if (create) {
              cases.add(with(e, "name " + label, map("name", name)).expect(400));
            }
          }
          case "alias-domains" -> {
            if (create) {
              cases.add(with(e, "name " + label, map("name", name)).expect(400));
            }
            cases.add(with(e, "targetDomain " + label, map("targetDomain", name)).expect(400));
          }
          case "mailboxes" -> {
            if (create) {
              cases.add(with(e, "address x@" + label, map("address", "x@" + name)).expect(400));
            }
          }
          case "aliases" -> {
            if (create) {
              cases.add(with(e, "address x@" + label, map("address", "x@" + name)).expect(400));
            }
            cases.add(
                with(e, "destinations[0] " + label, map("destinations", List.of("y@" + name)))
                    .expect(400));
          }
          case "tokens" ->
              cases.add(
                  with(e, "scopes domain:" + label, map("scopes", List.of("domain:" + name)))
                      .expect(400)
                      .field("scopes[0]"));
          default -> throw new IllegalStateException(collection);
        }
      }
      for (String local : hostileLocals) {
        String label = "'" + abbreviate(local) + "'";
        String address = local + "@" + domain;
        if (create && (collection.equals("mailboxes") || collection.equals("aliases"))) {
          cases.add(with(e, "address " + label, map("address", address)).expect(400));
        }
        if (collection.equals("aliases")) {
          cases.add(
              with(
                      e,
                      "destinations[1] " + label,
                      map("destinations", List.of("ok@x.example", address)))
                  .expect(400)
                  .field("destinations[1]"));
        }
      }
      if (collection.equals("tokens")) {
        for (String scope :
            List.of(
                "ADMIN",
                "admin read",
                "admin\nread",
                "domain:",
                "domain:*",
                "domain:%",
                "superuser",
                "",
                TEN_KB)) {
          cases.add(
              with(e, "scope '" + abbreviate(scope) + "'", map("scopes", List.of("read", scope)))
                  .expect(400));
        }
        cases.add(with(e, "no scopes", map("scopes", List.of())).expect(400).field("scopes"));
        cases.add(with(e, "blank name", map("name", "  ")).expect(400).field("name"));
        cases.add(with(e, "no name", map("name", null)).expect(400).field("name"));
      }
    }
    check(cases);
  }

  @Test
  void tenKilobyteStringsInEveryField() throws Exception {
    fixture();
    Map<String, List<String>> stringFields =
        Map.of(
            "domains", List.of("name", "description"),
            "alias-domains", List.of("name", "targetDomain", "description"),
            "mailboxes", List.of("address", "displayName", "password", "passwordHash"),
            "aliases", List.of("address", "description"),
            "tokens", List.of("name"));
    List<Case> cases = new ArrayList<>();
    for (Endpoint e : endpoints()) {
      String collection = e.path().split("/")[3];
      for (String field : stringFields.get(collection)) {
        String value =
            switch (field) {
              case "address" -> TEN_KB + "@" + domain;
              case "passwordHash" -> "$2y$11$" + TEN_KB;
              default -> TEN_KB;
            };
        Map<String, Object> changes = map(field, value);
        if (field.equals("passwordHash")) {
          changes.put("password", null);
        }
        cases.add(with(e, field + " 10 KB", changes).expect(400));
      }
      if (collection.equals("aliases")) {
        cases.add(
            with(e, "destination 10 KB", map("destinations", List.of(TEN_KB + "@x.example")))
                .expect(400)
                .field("destinations[0]"));
        cases.add(
            with(e, "1001 destinations", map("destinations", manyAddresses(1001)))
                .expect(400)
                .field("destinations"));
      }
      if (collection.equals("tokens")) {
        List<String> scopes = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
          scopes.add("read");
        }
        cases.add(with(e, "101 scopes", map("scopes", scopes)).expect(400).field("scopes"));
      }
      cases.add(with(e, "10 KB field name", map(TEN_KB, 1)).expect(400));
    }
    check(cases);
  }

  @Test
  void oversizedBodiesAre413() throws Exception {
    List<Case> cases = new ArrayList<>();
    for (Endpoint e : endpoints()) {
      for (int size : new int[] {1024 * 1024 + 1, 2 * 1024 * 1024}) {
        cases.add(raw(e, "body of " + size + " bytes", JSON, padded(e, size)).expect(413));
      }
      // HttpLimits refuses a declared Content-Length from the headers alone, while the client is
      // still sending: the client may see the connection close before it reads the answer.
      cases.add(
          raw(e, "body of 2 MiB + 100 bytes", JSON, padded(e, 2 * 1024 * 1024 + 100))
              .expect(413)
              .byTransport());
      cases.add(
          raw(e, "chunked body of 1.5 MB", JSON, padded(e, 3 * 512 * 1024))
              .sentChunked()
              .expect(413));
      cases.add(
          raw(e, "chunked body of 3 MB", JSON, padded(e, 3 * 1024 * 1024))
              .sentChunked()
              .expect(413));
    }
    check(cases);
  }

  @Test
  void wrongContentTypeIs415() throws Exception {
    List<Case> cases = new ArrayList<>();
    for (Endpoint e : endpoints()) {
      byte[] valid = json(e.valid()).getBytes(StandardCharsets.UTF_8);
      List<String> types =
          new ArrayList<>(
              List.of(
                  "text/plain",
                  "text/json",
                  "application/xml",
                  "application/x-www-form-urlencoded",
                  "multipart/form-data; boundary=x",
                  "application/octet-stream",
                  "application/json-patch+json",
                  "application/jsonx",
                  "*/*"));
      if (!e.method().equals("PATCH")) {
        types.add(MergePatch.MEDIA_TYPE);
      }
      for (String type : types) {
        cases.add(raw(e, "Content-Type " + type, type, valid).expect(415));
      }
      cases.add(raw(e, "no Content-Type", null, valid).expect(415));
    }
    check(cases);
  }

  @Test
  void hostileKeysInPaths() throws Exception {
    fixture();
    List<String> hostile =
        List.of(
            "a%2Fb.example",
            "%2E%2E",
            "..%2F..%2Fetc%2Fpasswd",
            "a%00b.example",
            "a%0Ab.example",
            "a%0D%0ASet-Cookie:x.example",
            "a%22b.example",
            "a'b.example",
            "x'%20OR%20'1'%3D'1.example",
            "x.example';DROP%20TABLE%20domain;--",
            "%25",
            "a%25b.example",
            "a%5Cb.example",
            "%E2%80%AEelpmaxe.com",
            "%F0%9F%92%A9.example",
            "%C0%AE%C0%AE",
            "x".repeat(3000) + ".example",
            "a%20b.example",
            "*");
    List<Case> cases = new ArrayList<>();
    String[] collections = {"domains", "alias-domains", "mailboxes", "aliases"};
    for (String collection : collections) {
      boolean addressKeyed = collection.equals("mailboxes") || collection.equals("aliases");
      List<String> keys = new ArrayList<>();
      for (String name : hostile) {
        keys.add(addressKeyed ? "x@" + name : name);
      }
      if (addressKeyed) {
        for (String local :
            List.of("a%2Fb", "a%00b", "a%0Ab", "..", "a%25b", "x'%20OR%20'1'%3D'1", "j%C3%B6hn")) {
          keys.add(local + "@" + domain);
        }
        keys.add("m@" + domain + "%00");
        keys.add("m%40" + domain + "%2F..");
      }
      Map<String, Object> body =
          switch (collection) {
            case "domains" -> map("description", "x");
            case "alias-domains" -> map("targetDomain", domain);
            case "mailboxes" -> map("password", PASSWORD);
            default -> map("destinations", List.of("y@x.example"));
          };
      for (String key : keys) {
        String path = "/api/v1/" + collection + "/" + key;
        for (String method : List.of("PUT", "PATCH", "DELETE")) {
          Endpoint endpoint = new Endpoint(method, path, body);
          String label = "key '" + abbreviate(key) + "'";
          cases.add(
              method.equals("DELETE")
                  ? raw(endpoint, label, null, null)
                  : raw(endpoint, label, json(body)));
        }
      }
    }
    // A key in the query string of a collection write, and extra path segments.
    cases.add(
        raw(
            new Endpoint("PUT", "/api/v1/domains/" + domain + "/extra", map()),
            "extra segment",
            "{}"));
    cases.add(
        raw(new Endpoint("DELETE", "/api/v1/mailboxes", map()), "delete collection", null, null));
    cases.add(raw(new Endpoint("PUT", "/api/v1/aliases", map()), "put collection", "{}"));
    check(cases);
  }

  @Test
  void hostileHeaders() throws Exception {
    List<Case> cases = new ArrayList<>();
    for (Endpoint e : endpoints()) {
      String valid = json(e.valid());
      if (e.method().equals("POST") && !e.path().endsWith("/tokens")) {
        cases.add(
            raw(e, "Idempotency-Key too long", valid)
                .header("Idempotency-Key", "k".repeat(300))
                .expect(400));
        cases.add(
            raw(e, "Idempotency-Key with space", valid)
                .header("Idempotency-Key", "a b")
                .expect(400));
      }
      if (!e.method().equals("POST")) {
        for (String tag : List.of("\"999999\"", "W/\"0\"", "garbage", "\"998\", \"999\"")) {
          cases.add(raw(e, "If-Match " + tag, valid).header("If-Match", tag).expect(412));
        }
      }
    }
    check(cases);
  }

  // --- helpers ---

  private static List<String> manyAddresses(int n) {
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      addresses.add("u" + i + "@x.example");
    }
    return addresses;
  }

  /** The endpoint's valid body, padded to exactly size bytes with a long description. */
  private static byte[] padded(Endpoint endpoint, int size) {
    // Without the body's own description: a second one is a duplicate key, refused (400) first.
    Map<String, Object> fields = new LinkedHashMap<>(endpoint.valid());
    fields.remove("description");
    String valid = json(fields);
    String head =
        valid.substring(0, valid.length() - 1)
            + (fields.isEmpty() ? "" : ",")
            + "\"description\":\"";
    String tail = "\"}";
    int fill = size - head.length() - tail.length();
    byte[] body = new byte[size];
    byte[] headBytes = head.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(headBytes, 0, body, 0, headBytes.length);
    Arrays.fill(body, headBytes.length, headBytes.length + fill, (byte) 'x');
    byte[] tailBytes = tail.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(tailBytes, 0, body, size - tailBytes.length, tailBytes.length);
    return body;
  }

  private static byte[] concat(byte[]... parts) {
    int length = Arrays.stream(parts).mapToInt(p -> p.length).sum();
    byte[] all = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, all, at, part.length);
      at += part.length;
    }
    return all;
  }

  private static String printable(String value) {
    StringBuilder out = new StringBuilder();
    value
        .codePoints()
        .forEach(
            cp ->
                out.append(
                    cp < 0x20 || (cp >= 0xd800 && cp <= 0xdfff)
                        ? String.format("\\u%04x", cp)
                        : Character.toString(cp)));
    return out.toString();
  }

  private static String abbreviate(String value) {
    StringBuilder printable = new StringBuilder();
    value
        .codePoints()
        .limit(40)
        .forEach(
            cp -> {
              if (cp < 0x20
                  || (cp >= 0x7f && cp < 0xa0)
                  || (cp >= 0x2000 && cp < 0x2070)
                  || (cp >= 0xd800 && cp <= 0xdfff)) {
                printable.append(String.format("\\u%04x", cp));
              } else {
                printable.appendCodePoint(cp);
              }
            });
    return value.length() > 40 ? printable + "...(" + value.length() + ")" : printable.toString();
  }
}
