package io.mailplane.events;

import static io.mailplane.TestApi.ADMIN_TOKEN;
import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.createDomain;
import static io.mailplane.TestApi.token;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailplane.contract.ResponseContract;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The change feed: commit order, resumption, scope. The admin stream sees every write of the test
 * JVM, so assertions look at the contiguity of revisions and at the keys this test wrote.
 */
@QuarkusTest
class EventsResourceTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration WAIT = Duration.ofSeconds(20);

  @TestHTTPResource("/api/v1/events")
  URL events;

  @TestHTTPResource("/")
  URL base;

  static long revision() {
    String etag = admin().get("/api/v1/config").then().statusCode(200).extract().header("ETag");
    return Long.parseLong(etag.replace("\"", ""));
  }

  @Test
  void concurrentWritersArriveInCommitOrderWithoutGapsOrDuplicates() throws Exception {
    List<String> domains = List.of(createDomain(), createDomain(), createDomain(), createDomain());
    int perWriter = 15;
    long start = revision();
    try (SseClient live = new SseClient(events.toURI(), ADMIN_TOKEN, Long.toString(start))) {
      assertEquals(200, live.status);
      ExecutorService pool = Executors.newFixedThreadPool(domains.size());
      List<Future<?>> writers = new ArrayList<>();
      HttpClient client = HttpClient.newHttpClient();
      for (String domain : domains) {
        writers.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perWriter; i++) {
                    post(client, "/api/v1/aliases", aliasBody("a" + i + "@" + domain));
                  }
                  return null;
                }));
      }
      for (Future<?> writer : writers) {
        writer.get();
      }
      pool.shutdown();
      long end = revision();
      int expected = (int) (end - start);
      assertTrue(expected >= domains.size() * perWriter);
      List<SseClient.Event> seen = live.take(expected, WAIT);
      assertContiguous(start, seen);
      assertEquals(expected, seen.size());
      Set<String> keys = new HashSet<>();
      for (SseClient.Event event : seen) {
        JsonNode data = JSON.readTree(event.data());
        assertEquals(event.id(), data.get("revision").asText());
        assertEquals(event.name(), data.get("resource").asText());
        keys.add(data.get("key").asText());
      }
      for (String domain : domains) {
        for (int i = 0; i < perWriter; i++) {
          assertTrue(keys.contains("a" + i + "@" + domain), "a" + i + "@" + domain);
        }
      }
      assertTrue(live.drain(Duration.ofSeconds(1)).isEmpty(), "no duplicates afterwards");
    }
  }

  @Test
  void aReconnectResumesAfterLastEventIdWithoutLossOrDuplicates() throws Exception {
    String domain = createDomain();
    long start = revision();
    HttpClient client = HttpClient.newHttpClient();
    for (int i = 0; i < 10; i++) {
      post(client, "/api/v1/aliases", aliasBody("r" + i + "@" + domain));
    }
    int total = (int) (revision() - start);
    List<SseClient.Event> first;
    try (SseClient stream = new SseClient(events.toURI(), ADMIN_TOKEN, Long.toString(start))) {
      first = stream.take(4, WAIT);
    }
    assertEquals(4, first.size());
    // Writes while disconnected are delivered after the reconnect.
    for (int i = 10; i < 15; i++) {
      post(client, "/api/v1/aliases", aliasBody("r" + i + "@" + domain));
    }
    total = (int) (revision() - start);
    List<SseClient.Event> all = new ArrayList<>(first);
    try (SseClient stream =
        new SseClient(events.toURI(), ADMIN_TOKEN, first.get(first.size() - 1).id())) {
      all.addAll(stream.take(total - first.size(), WAIT));
      assertTrue(stream.drain(Duration.ofSeconds(1)).isEmpty());
    }
    assertEquals(total, all.size());
    assertContiguous(start, all);
  }

  @Test
  void aStreamWithoutLastEventIdStartsNow() throws Exception {
    String domain = createDomain();
    try (SseClient stream = new SseClient(events.toURI(), ADMIN_TOKEN, null)) {
      Thread.sleep(1000); // the stream has read its starting revision
      long before = revision();
      admin().body(aliasBody("now@" + domain)).post("/api/v1/aliases").then().statusCode(201);
      List<SseClient.Event> seen = stream.take(1, WAIT);
      assertEquals(1, seen.size());
      assertEquals(before + 1, Long.parseLong(seen.get(0).id()));
      JsonNode data = JSON.readTree(seen.get(0).data());
      assertEquals("alias", data.get("resource").asText());
      assertEquals("now@" + domain, data.get("key").asText());
      assertEquals("create", data.get("action").asText());
      assertEquals(domain, data.get("domain").asText());
      assertEquals(List.of(), stream.otherLines, "only standard SSE fields");
    }
  }

  @Test
  void aQuietStreamSendsKeepAliveComments() throws Exception {
    // %test.mailplane.events.keep-alive=1s
    try (SseClient stream = new SseClient(events.toURI(), ADMIN_TOKEN, null)) {
      assertEquals(200, stream.status);
      for (int i = 0; i < 50 && stream.comments.get() == 0; i++) {
        Thread.sleep(100);
      }
      assertTrue(stream.comments.get() > 0, "a keep-alive comment within 5 s");
      assertEquals(List.of(), stream.otherLines);
    }
  }

  @Test
  void scopedTokensOnlySeeTheirDomains() throws Exception {
    String mine = createDomain();
    String other = createDomain();
    String token = token("domain:" + mine);
    long start = revision();
    HttpClient client = HttpClient.newHttpClient();
    post(client, "/api/v1/aliases", aliasBody("x@" + other));
    post(client, "/api/v1/aliases", aliasBody("y@" + mine));
    post(client, "/api/v1/aliases", aliasBody("z@" + other));
    try (SseClient stream = new SseClient(events.toURI(), token, Long.toString(start))) {
      List<SseClient.Event> seen = stream.take(1, WAIT);
      seen.addAll(stream.drain(Duration.ofSeconds(2)));
      assertEquals(1, seen.size(), seen.toString());
      assertEquals("y@" + mine, JSON.readTree(seen.get(0).data()).get("key").asText());
    }
  }

  /**
   * A sign-in grants a role but changes no configuration: it is in the audit log (with the role it
   * granted) and nowhere else: the revision stays, the feed's next event is the next real change.
   */
  @Test
  void signInsAreAuditedOnlyAndNeverReachTheFeed() throws Exception {
    String d = createDomain();
    String address = "signer@" + d;
    String password = "Correct-Horse-Battery-9";
    admin()
        .body(Map.of("address", address, "password", password, "domainAdmin", true))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(201);
    long start = revision();
    try (SseClient stream = new SseClient(events.toURI(), ADMIN_TOKEN, Long.toString(start))) {
      given()
          .contentType(ContentType.JSON)
          .body(Map.of("address", address, "password", password))
          .post("/api/v1/sessions")
          .then()
          .statusCode(201);
      assertEquals(start, revision(), "a sign-in moved the configuration revision");
      String marker = createDomain();
      List<SseClient.Event> seen = stream.take(1, WAIT);
      assertEquals(1, seen.size(), seen.toString());
      assertEquals(Long.toString(start + 1), seen.get(0).id());
      assertEquals(marker, JSON.readTree(seen.get(0).data()).get("key").asText());
    }
    admin()
        .queryParam("action", "mailbox.sign-in")
        .queryParam("resourceKey", address)
        .get("/api/v1/audit-events")
        .then()
        .statusCode(200)
        .body("items", hasSize(1))
        .body("items[0].actor", equalTo("mailbox:" + address))
        .body("items[0].after.role", equalTo("domain-admin"));
  }

  @Test
  void badRequestsAreProblems() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    for (String id : List.of("abc", "-1", "9".repeat(30))) {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(events.toURI())
                  .header("Authorization", "Bearer " + ADMIN_TOKEN)
                  .header("Last-Event-ID", id)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      ResponseContract.check(response.request(), response);
      assertEquals(400, response.statusCode(), id);
      assertTrue(response.headers().firstValue("Content-Type").orElse("").contains("problem"));
    }
    HttpResponse<String> anonymous =
        client.send(
            HttpRequest.newBuilder(events.toURI()).build(), HttpResponse.BodyHandlers.ofString());
    ResponseContract.check(anonymous.request(), anonymous);
    assertEquals(401, anonymous.statusCode());
  }

  private static void assertContiguous(long start, List<SseClient.Event> events) {
    long expected = start + 1;
    for (SseClient.Event event : events) {
      assertEquals(expected++, Long.parseLong(event.id()), "revisions in order, no gap");
    }
  }

  private static String aliasBody(String address) {
    try {
      return JSON.writeValueAsString(
          Map.of("address", address, "destinations", List.of("someone@example.org")));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void post(HttpClient client, String path, String body) throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create(base + path.substring(1)))
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    ResponseContract.check(response.request(), response);
    assertEquals(201, response.statusCode(), response.body());
  }
}
