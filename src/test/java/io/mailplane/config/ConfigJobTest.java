package io.mailplane.config;

import static io.mailplane.TestApi.admin;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.BulkTestDomains;
import io.mailplane.TestApi;
import io.mailplane.api.Problem;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * config:apply with Prefer: respond-async runs as a job (chunks of 400 entries in the test
 * profile): validated whole before anything changes, with the answers of the synchronous apply,
 * then applied chunk by chunk; its status is the caller's.
 */
@QuarkusTest
class ConfigJobTest {
  final BulkTestDomains domains = new BulkTestDomains();

  @AfterEach
  void emptyDomains() {
    domains.empty();
  }

  static final String HASH = ConfigResourceTest.HASH;

  @TestHTTPResource("/")
  URL base;

  @Test
  void aJobAppliesThousandsOfEntriesInChunksAndShowsIt() {
    String domain = domains.create();
    String doc = mailboxes(2_000, i -> mailbox(i, domain, 1024));
    Response accepted = async(admin()).body(doc).post("/api/v1/config:apply?prune=false");
    accepted
        .then()
        .statusCode(202)
        .header("Preference-Applied", "respond-async")
        .header("Location", containsString("/api/v1/config/jobs/"))
        .body("state", equalTo("queued"));
    JsonPath job = await(admin(), accepted.header("Location"));
    assertEquals("succeeded", job.getString("state"), job.prettify());
    assertEquals(2_000, job.getLong("total"));
    assertEquals(2_000, job.getLong("applied"));
    assertEquals(2_000, job.getInt("summary.create"));
    assertEquals(ConfigJob.LISTED_CHANGES, job.getList("changes").size());
    assertEquals(2_000 - ConfigJob.LISTED_CHANGES, job.getLong("changesOmitted"));
    assertEquals("mailboxes", job.getString("sections[0].section"));
    assertEquals(2_000, job.getLong("sections[0].applied"));
    assertNotNull(job.get("revision"));
    admin().get("/api/v1/mailboxes/user1999@" + domain).then().statusCode(200);
    // Applying it again changes nothing: a job stopped half-way is finished by sending it again.
    JsonPath again =
        await(
            admin(),
            async(admin()).body(doc).post("/api/v1/config:apply?prune=false").header("Location"));
    assertEquals("succeeded", again.getString("state"));
    assertEquals(0, again.getInt("summary.create") + again.getInt("summary.update"));
    for (List<?> fields : job.<List<?>>getList("changes.fields")) {
      assertFalse(fields.isEmpty(), "a listed create shows its fields");
    }
  }

  /**
   * Once the list of changes is full, a chunk's new objects are counted without being read back;
   * updates and creates are still counted exactly, and what is listed still shows its fields.
   */
  @Test
  void changesBeyondTheListAreCountedExactly() {
    String domain = domains.create();
    await(
        admin(),
        async(admin())
            .body(mailboxes(2_000, i -> mailbox(i, domain, 1024)))
            .post("/api/v1/config:apply?prune=false")
            .header("Location"));
    // 600 updates (entries 1,400 to 1,999), then 600 new mailboxes: 1,200 changes, 1,000 listed.
    String doc = mailboxes(2_600, i -> mailbox(i, domain, i >= 1_400 ? 2048 : 1024));
    JsonPath job =
        await(
            admin(),
            async(admin()).body(doc).post("/api/v1/config:apply?prune=false").header("Location"));
    assertEquals("succeeded", job.getString("state"), job.prettify());
    assertEquals(600, job.getInt("summary.update"));
    assertEquals(600, job.getInt("summary.create"));
    assertEquals(ConfigJob.LISTED_CHANGES, job.getList("changes").size());
    assertEquals(200, job.getLong("changesOmitted"));
    for (List<?> fields : job.<List<?>>getList("changes.fields")) {
      assertFalse(fields.isEmpty(), "a listed change shows its fields");
    }
    admin()
        .get("/api/v1/mailboxes/user1999@" + domain)
        .then()
        .statusCode(200)
        .body("quotaMb", equalTo(2048));
    admin().get("/api/v1/mailboxes/user2599@" + domain).then().statusCode(200);
  }

  /** The job's problem is the synchronous apply's, and nothing of the document is applied. */
  @Test
  void aBadEntryNearTheEndFailsTheWholeJobNamingIt() {
    String domain = domains.create();
    String doc = mailboxes(3_000, i -> mailbox(i, domain, i == 2_998 ? -1 : 1024));
    JsonPath job = failedJob(doc);
    assertEquals(400, job.getInt("problem.status"));
    assertTrue(job.getString("problem.detail").contains("/mailboxes/2998"), job.prettify());
    assertEquals(
        List.of("mailboxes[user2998@" + domain + "].quotaMb"), job.getList("problem.errors.field"));
    assertEquals(0, job.getLong("applied"));
    assertEquals(syncProblem(doc), problem(job));
    admin().get("/api/v1/mailboxes/user0@" + domain).then().statusCode(404);
  }

  @Test
  void aMistypedEntryNearTheEndIsNamedAsTheSynchronousApplyNamesIt() {
    String domain = domains.create();
    String doc =
        mailboxes(
            3_000,
            i ->
                i == 2_998
                    ? "{\"address\":\"user2998@" + domain + "\",\"quotaMb\":\"lots\"}"
                    : mailbox(i, domain, 1024));
    JsonPath job = failedJob(doc);
    assertEquals("mailboxes[2998].quotaMb: invalid value or type", job.get("problem.detail"));
    assertEquals(syncProblem(doc), problem(job));
  }

  @Test
  void aKeyRepeatedFarApartFailsTheJob() {
    String domain = domains.create();
    String doc =
        mailboxes(3_000, i -> i == 2_900 ? mailbox(3, domain, 512) : mailbox(i, domain, 1024));
    JsonPath job = failedJob(doc);
    assertTrue(
        job.getString("problem.detail").contains("is already listed at mailboxes[3]"),
        job.prettify());
    assertEquals(syncProblem(doc), problem(job));
    admin().get("/api/v1/mailboxes/user0@" + domain).then().statusCode(404);
  }

  /** Another scoped token gets 404 for a job it did not start; its owner and an admin see it. */
  @Test
  void aJobIsItsCallers() {
    String domain = domains.create();
    String owner = TestApi.token("domain:" + domain);
    String other = TestApi.token("domain:" + domains.create());
    String location =
        async(TestApi.as(owner))
            .body(mailboxes(3, i -> mailbox(i, domain, 1)))
            .post("/api/v1/config:apply?prune=false")
            .then()
            .statusCode(202)
            .extract()
            .header("Location");
    assertEquals("succeeded", await(TestApi.as(owner), location).getString("state"));
    TestApi.as(other).get(location).then().statusCode(404).contentType(Problem.MEDIA_TYPE);
    admin().get(location).then().statusCode(200);
    TestApi.as(owner).get("/api/v1/config/jobs/no-such-job").then().statusCode(404);
  }

  /** The body is read before the 202; the job does not need the connection after it. */
  @Test
  void aClientThatHangsUpAfterThe202StillGetsItsJobDone() throws Exception {
    String domain = domains.create();
    byte[] body = mailboxes(1_000, i -> mailbox(i, domain, 1)).getBytes(StandardCharsets.UTF_8);
    String location;
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /api/v1/config:apply?prune=false HTTP/1.1\r\nHost: localhost\r\n"
                  + "Authorization: Bearer "
                  + TestApi.ADMIN_TOKEN
                  + "\r\nContent-Type: application/json\r\nPrefer: respond-async\r\n"
                  + "Content-Length: "
                  + body.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      String head = readHead(socket.getInputStream());
      assertTrue(head.startsWith("HTTP/1.1 202"), head);
      location =
          head.lines()
              .filter(line -> line.toLowerCase().startsWith("location:"))
              .findFirst()
              .orElseThrow()
              .substring("location:".length())
              .trim();
    }
    JsonPath job = await(admin(), URI.create(location).getPath());
    assertEquals("succeeded", job.getString("state"));
    admin().get("/api/v1/mailboxes/user999@" + domain).then().statusCode(200);
  }

  /** RFC 7240: preferences the server does not know, or cannot parse, are ignored. */
  @Test
  void otherPreferencesAreIgnored() {
    String domain = domains.create();
    String doc = mailboxes(2, i -> mailbox(i, domain, 1));
    for (String prefer : List.of("handling=lenient, wait=10", ";;=,", "respond-async=no-such")) {
      admin()
          .header("Prefer", prefer)
          .body(doc)
          .post("/api/v1/config:apply?prune=false")
          .then()
          .statusCode(200)
          .header("Preference-Applied", nullValue());
    }
    admin()
        .header("Prefer", "wait=5, RESPOND-ASYNC")
        .body(doc)
        .post("/api/v1/config:apply?prune=false")
        .then()
        .statusCode(202);
    // A plan is always answered at once: chunks could not see what earlier ones create.
    async(admin())
        .body(doc)
        .post("/api/v1/config:plan?prune=false")
        .then()
        .statusCode(200)
        .header("Preference-Applied", nullValue())
        .body("dryRun", equalTo(true));
  }

  @Test
  void aJobPrunesWhatTheDocumentLeavesOutAndTakesYaml() {
    String domain = domains.create();
    String token = TestApi.token("domain:" + domain);
    StringBuilder all = new StringBuilder("{\"aliases\":[");
    StringBuilder yaml = new StringBuilder("aliases:\n");
    for (int i = 0; i < 30; i++) {
      all.append(i == 0 ? "" : ",")
          .append("{\"address\":\"a")
          .append(i)
          .append('@')
          .append(domain)
          .append("\",\"destinations\":[\"x@example.org\"]}");
      if (i % 3 != 0) {
        yaml.append("  - address: a")
            .append(i)
            .append('@')
            .append(domain)
            .append("\n    destinations: [x@example.org]\n");
      }
    }
    TestApi.as(token)
        .body(all.append("]}").toString())
        .post("/api/v1/config:apply")
        .then()
        .statusCode(200);
    JsonPath job =
        await(
            TestApi.as(token),
            async(TestApi.as(token))
                .contentType("application/yaml")
                .body(yaml.toString().getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/config:apply")
                .then()
                .statusCode(202)
                .extract()
                .header("Location"));
    assertEquals("succeeded", job.getString("state"), job.prettify());
    assertEquals(0, job.getInt("summary.create"));
    assertEquals(10, job.getInt("summary.delete"));
    assertEquals(10, job.getLong("deleted"));
    TestApi.as(token).get("/api/v1/aliases/a0@" + domain).then().statusCode(404);
    TestApi.as(token).get("/api/v1/aliases/a1@" + domain).then().statusCode(200);
  }

  /** Past the synchronous limit, the 413 names it, its setting, and the job that takes more. */
  @Test
  void anOversizedSynchronousDocumentPointsToRespondAsync() throws Exception {
    byte[] body = new byte[ConfigLimitsTest.OVER_BODY_LIMIT];
    java.util.Arrays.fill(body, (byte) ' ');
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(base.toURI().resolve("api/v1/config:apply"))
                .header("Authorization", "Bearer " + TestApi.ADMIN_TOKEN)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(413, response.statusCode(), response.body());
    JsonPath problem = new JsonPath(response.body());
    assertTrue(problem.getString("detail").contains("mailplane.config.max-body-bytes"));
    assertTrue(problem.getString("detail").contains("Prefer: respond-async"));
    assertTrue(problem.getString("detail").contains("mailplane.config.job-max-body-bytes"));
  }

  private static RequestSpecification async(RequestSpecification request) {
    return request.header("Prefer", "respond-async");
  }

  private static String mailbox(int i, String domain, long quota) {
    return "{\"address\":\"user"
        + i
        + '@'
        + domain
        + "\",\"passwordHash\":\""
        + HASH
        + "\",\"quotaMb\":"
        + quota
        + "}";
  }

  private static String mailboxes(int count, IntFunction<String> entry) {
    StringBuilder doc = new StringBuilder("{\"mailboxes\":[");
    for (int i = 0; i < count; i++) {
      doc.append(i == 0 ? "" : ",").append(entry.apply(i));
    }
    return doc.append("]}").toString();
  }

  private static JsonPath failedJob(String doc) {
    String location =
        async(admin())
            .body(doc)
            .post("/api/v1/config:apply?prune=false")
            .then()
            .statusCode(202)
            .extract()
            .header("Location");
    JsonPath job = await(admin(), location);
    assertEquals("failed", job.getString("state"), job.prettify());
    return job;
  }

  private static Map<String, Object> syncProblem(String doc) {
    Map<String, Object> problem =
        admin()
            .body(doc)
            .post("/api/v1/config:apply?prune=false")
            .then()
            .statusCode(400)
            .contentType(Problem.MEDIA_TYPE)
            .extract()
            .jsonPath()
            .getMap("");
    return problem;
  }

  private static Map<String, Object> problem(JsonPath job) {
    return job.getMap("problem");
  }

  private static JsonPath await(RequestSpecification as, String location) {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (true) {
      JsonPath job = as.get(location).then().statusCode(200).extract().jsonPath();
      String state = job.getString("state");
      if (state.equals("succeeded") || state.equals("failed")) {
        return job;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("job still " + state + ": " + job.prettify());
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  private static String readHead(InputStream in) throws java.io.IOException {
    StringBuilder head = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0) {
      head.append((char) b);
      if (head.toString().endsWith("\r\n\r\n")) {
        break;
      }
    }
    return head.toString();
  }
}
