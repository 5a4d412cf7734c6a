package io.mailplane.events;

import static io.mailplane.TestApi.ADMIN_TOKEN;
import static io.mailplane.TestApi.createDomain;
import static io.mailplane.TestApi.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.contract.ResponseContract;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Document applies (many objects, one transaction) racing single-object writes in the same domain:
 * the revision lock, taken last, must not deadlock with the domain row locks, and the feed must
 * stay gapless and in commit order.
 */
@QuarkusTest
class ConcurrentApplyTest {
  static final String HASH = "$2y$05$abcdefghijklmnopqrstuu5Wb0QxX5Om3Y.yTZuHRDGBmzMqG5uKe";

  @TestHTTPResource("/")
  URL base;

  @TestHTTPResource("/api/v1/events")
  URL events;

  @Test
  void appliesAndSingleWritesInterleaveWithoutDeadlocksOrGaps() throws Exception {
    String domain = createDomain();
    String scoped = token("domain:" + domain);
    long start = EventsResourceTest.revision();
    HttpClient client = HttpClient.newHttpClient();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    List<Future<?>> jobs = new ArrayList<>();
    try (SseClient feed = new SseClient(events.toURI(), ADMIN_TOKEN, Long.toString(start))) {
      jobs.add(
          pool.submit(
              () -> {
                for (int round = 0; round < 8; round++) {
                  StringBuilder aliases = new StringBuilder();
                  for (int i = 0; i < 5; i++) {
                    aliases
                        .append(i == 0 ? "" : ",")
                        .append("{\"address\":\"doc")
                        .append(round % 2 == 0 ? i : i + 5)
                        .append("@")
                        .append(domain)
                        .append("\",\"destinations\":[\"x@example.org\"]}");
                  }
                  // Only aliases are managed (single writers add mailboxes): each round
                  // deletes the previous round's five aliases and creates five others.
                  String body = "{\"aliases\":[" + aliases + "]}";
                  expect(client, scoped, "POST", "api/v1/config:apply", body, null, failures);
                  // Guarded by the revision just read: either it still holds (200) or a single
                  // write got in between (412, checked again under the revision lock).
                  expect(
                      client,
                      scoped,
                      "POST",
                      "api/v1/config:apply",
                      body.replace("x@example.org", "y@example.org"),
                      etag(client, scoped),
                      failures);
                }
                return null;
              }));
      for (int writer = 0; writer < 2; writer++) {
        int w = writer;
        jobs.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 10; i++) {
                    expect(
                        client,
                        ADMIN_TOKEN,
                        "POST",
                        "api/v1/mailboxes",
                        "{\"address\":\"m"
                            + w
                            + "-"
                            + i
                            + "@"
                            + domain
                            + "\",\"passwordHash\":\""
                            + HASH
                            + "\"}",
                        null,
                        failures);
                  }
                  return null;
                }));
      }
      for (Future<?> job : jobs) {
        job.get();
      }
      pool.shutdown();
      assertTrue(failures.isEmpty(), failures.toString());
      long end = EventsResourceTest.revision();
      List<SseClient.Event> seen = feed.take((int) (end - start), Duration.ofSeconds(30));
      assertEquals(end - start, seen.size());
      // 20 mailboxes, 8 × 5 alias creates, 7 × 5 alias deletes.
      assertTrue(seen.size() >= 95, "only " + seen.size() + " events");
      long expected = start + 1;
      for (SseClient.Event event : seen) {
        assertEquals(expected++, Long.parseLong(event.id()));
      }
    }
  }

  private String etag(HttpClient client, String token) throws Exception {
    return client
        .send(
            HttpRequest.newBuilder(URI.create(base + "api/v1/config"))
                .header("Authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .headers()
        .firstValue("ETag")
        .orElseThrow();
  }

  private void expect(
      HttpClient client,
      String token,
      String method,
      String path,
      String body,
      String ifMatch,
      ConcurrentLinkedQueue<String> failures) {
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(base + path))
              .header("Authorization", "Bearer " + token)
              .header("Content-Type", "application/json")
              .method(method, HttpRequest.BodyPublishers.ofString(body));
      if (ifMatch != null) {
        request.header("If-Match", ifMatch);
      }
      HttpResponse<String> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      ResponseContract.check(response.request(), response);
      if (response.statusCode() >= 300 && !(ifMatch != null && response.statusCode() == 412)) {
        failures.add(path + " " + response.statusCode() + " " + response.body());
      }
    } catch (Exception | AssertionError e) {
      failures.add(path + " " + e);
    }
  }
}
