package io.mailplane.config;

import static io.mailplane.TestApi.admin;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.BulkTestDomains;
import io.mailplane.TestApi;
import io.mailplane.api.Problem;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.ByteArrayInputStream;
import java.io.IOException;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every limit of a configuration document answers with problem+json naming the limit and the
 * setting that raises it, however the body is sent; and a document at the entries limit fits the
 * body limit.
 */
@QuarkusTest
class ConfigLimitsTest {
  final BulkTestDomains domains = new BulkTestDomains();

  @AfterEach
  void emptyDomains() {
    domains.empty();
  }

  static final String HASH = ConfigResourceTest.HASH;

  /** mailplane.config.max-body-bytes (16 MiB), plus one. */
  static final int OVER_BODY_LIMIT = 16 * 1024 * 1024 + 1;

  @TestHTTPResource("/")
  URL base;

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /**
   * mailplane.config.max-entries (20,000) mailboxes as an export shows them (hash, name, quota):
   * about 3 MB, above the general body limit. The last-but-one is invalid: the whole document is
   * refused before any work, naming that entry, and nothing is created.
   */
  @Test
  void aDocumentAtMaxEntriesFitsAndItsBadLastButOneEntryIsNamed() {
    String domain = domains.create();
    StringBuilder doc = new StringBuilder("{\"mailboxes\":[");
    for (int i = 0; i < 20_000; i++) {
      doc.append(i == 0 ? "" : ",")
          .append("{\"address\":\"user")
          .append(i)
          .append('@')
          .append(domain)
          .append("\",\"displayName\":\"User number ")
          .append(i)
          .append("\",\"passwordHash\":\"")
          .append(HASH)
          .append("\",\"quotaMb\":")
          .append(i == 19_998 ? -1 : 1024)
          .append(",\"enabled\":true}");
    }
    String body = doc.append("]}").toString();
    assertTrue(body.length() > 2_500_000, "size " + body.length());
    admin()
        .queryParam("prune", "false")
        .body(body)
        .post("/api/v1/config:apply")
        .then()
        .statusCode(400)
        .contentType(Problem.MEDIA_TYPE)
        .body("detail", containsString("/mailboxes/19998"))
        .body("errors.field", hasItem("mailboxes[user19998@" + domain + "].quotaMb"));
    admin().get("/api/v1/mailboxes/user0@" + domain).then().statusCode(404);
  }

  /**
   * Prune reads keys in pages of 1,000: with 2,100 aliases in scope and every third left out, the
   * plan deletes exactly those, across page boundaries, and the apply leaves exactly the rest.
   */
  @Test
  void pruneFindsWhatToDeleteAcrossKeyPages() throws Exception {
    String domain = domains.create();
    String token = TestApi.token("domain:" + domain);
    StringBuilder all = new StringBuilder("{\"aliases\":[");
    StringBuilder kept = new StringBuilder("{\"aliases\":[");
    java.util.List<String> gone = new java.util.ArrayList<>();
    for (int i = 0; i < 2_100; i++) {
      String entry =
          String.format(
              "{\"address\":\"a%04d@%s\",\"destinations\":[\"x@example.org\"]}", i, domain);
      all.append(i == 0 ? "" : ",").append(entry);
      if (i % 3 == 0) {
        gone.add(String.format("a%04d@%s", i, domain));
      } else {
        kept.append(kept.length() > 12 ? "," : "").append(entry);
      }
    }
    TestApi.as(token)
        .queryParam("prune", "false")
        .body(all.append("]}").toString())
        .post("/api/v1/config:apply")
        .then()
        .statusCode(200)
        .body("summary.create", org.hamcrest.Matchers.equalTo(2_100));
    String doc = kept.append("]}").toString();
    io.restassured.path.json.JsonPath plan =
        TestApi.as(token)
            .body(doc)
            .post("/api/v1/config:plan")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertEquals(gone, plan.getList("changes.findAll { it.action == 'delete' }.key"));
    assertEquals(gone.size(), plan.getInt("changes.size()"));
    TestApi.as(token).body(doc).post("/api/v1/config:apply").then().statusCode(200);
    io.restassured.path.json.JsonPath after =
        TestApi.as(token).get("/api/v1/config").then().statusCode(200).extract().jsonPath();
    assertEquals(2_100 - gone.size(), after.getList("aliases").size());
    assertFalse(after.getList("aliases.address").contains(gone.get(gone.size() - 1)));
  }

  @Test
  void moreEntriesThanTheLimitAre413NamingTheSetting() {
    String domain = domains.create();
    StringBuilder doc = new StringBuilder("{\"aliases\":[");
    for (int i = 0; i <= 20_000; i++) {
      doc.append(i == 0 ? "" : ",")
          .append("{\"address\":\"a")
          .append(i)
          .append('@')
          .append(domain)
          .append("\",\"destinations\":[\"x@example.org\"]}");
    }
    admin()
        .queryParam("prune", "false")
        .body(doc.append("]}").toString())
        .post("/api/v1/config:plan")
        .then()
        .statusCode(413)
        .contentType(Problem.MEDIA_TYPE)
        .body("type", org.hamcrest.Matchers.equalTo("urn:mailplane:problem:payload-too-large"))
        .body(
            "detail",
            allOf(containsString("20000"), containsString("mailplane.config.max-entries")));
  }

  /** With a Content-Length: the client is still sending when the answer comes, and reads it. */
  @Test
  void anOversizedDocumentWithContentLengthIsAProblemTheClientReads() throws Exception {
    HttpResponse<String> response =
        http.send(
            request("api/v1/config:apply")
                .POST(HttpRequest.BodyPublishers.ofByteArray(oversized()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertBodyLimitProblem(
        response.statusCode(),
        response.headers().firstValue("Content-Type").orElse(""),
        response.body(),
        "mailplane.config.max-body-bytes",
        "16777216");
  }

  /** Chunked: no length to refuse up front, the count while reading stops it. */
  @Test
  void anOversizedChunkedDocumentIsAProblemTheClientReads() throws Exception {
    byte[] body = oversized();
    HttpResponse<String> response =
        http.send(
            request("api/v1/config:plan")
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertBodyLimitProblem(
        response.statusCode(),
        response.headers().firstValue("Content-Type").orElse(""),
        response.body(),
        "mailplane.config.max-body-bytes",
        "16777216");
  }

  /** Raw HTTP: the headers alone are enough, with and without "Expect: 100-continue" (curl). */
  @Test
  void aDeclaredOversizedDocumentIsRefusedFromItsHeaders() throws Exception {
    for (String expect : new String[] {"", "Expect: 100-continue\r\n"}) {
      String response =
          raw(
              "POST /api/v1/config:apply HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                  + TestApi.ADMIN_TOKEN
                  + "\r\nContent-Type: application/json\r\nContent-Length: "
                  + OVER_BODY_LIMIT
                  + "\r\n"
                  + expect
                  + "\r\n");
      assertTrue(response.startsWith("HTTP/1.1 413"), expect + response);
      assertFalse(response.contains("100 Continue"), response);
      assertTrue(response.contains(Problem.MEDIA_TYPE), response);
      assertTrue(response.contains("mailplane.config.max-body-bytes"), response);
    }
  }

  /** Other endpoints keep the general limit, and say which it is. */
  @Test
  void otherEndpointsNameTheGeneralLimit() throws Exception {
    byte[] body = new byte[1024 * 1024 + 1];
    java.util.Arrays.fill(body, (byte) ' ');
    HttpResponse<String> response =
        http.send(
            request("api/v1/domains").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertBodyLimitProblem(
        response.statusCode(),
        response.headers().firstValue("Content-Type").orElse(""),
        response.body(),
        "mailplane.api.max-body-bytes",
        "1048576");
  }

  private static void assertBodyLimitProblem(
      int status, String type, String body, String setting, String bytes) {
    assertEquals(413, status, body);
    assertTrue(type.startsWith(Problem.MEDIA_TYPE), type);
    assertTrue(body.contains("urn:mailplane:problem:payload-too-large"), body);
    assertTrue(body.contains(setting) && body.contains(bytes), body);
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(120))
        .header("Authorization", "Bearer " + TestApi.ADMIN_TOKEN)
        .header("Content-Type", "application/json");
  }

  /** A syntactically fine document, one byte over the limit. */
  private static byte[] oversized() {
    byte[] body = new byte[OVER_BODY_LIMIT];
    byte[] head = "{\"aliases\":[],\"x\":\"".getBytes(StandardCharsets.US_ASCII);
    java.util.Arrays.fill(body, (byte) 'x');
    System.arraycopy(head, 0, body, 0, head.length);
    body[body.length - 2] = '"';
    body[body.length - 1] = '}';
    return body;
  }

  private static String raw(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[8192];
      StringBuilder text = new StringBuilder();
      int n;
      while ((n = in.read(buffer)) > 0) {
        text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        if (text.indexOf("\r\n\r\n") > 0 && text.indexOf("}") > 0) {
          break;
        }
      }
      return text.toString();
    }
  }
}
