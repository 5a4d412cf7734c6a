package io.mailplane.api;

import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.as;
import static io.mailplane.TestApi.token;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Failures the HTTP layer used to answer itself (bare 400/413/414) and cursors the API did not hand
 * out: each is a problem document of its own kind.
 */
@QuarkusTest
class HttpLayerProblemsTest {
  private static final String INVALID_CURSOR = "urn:mailplane:problem:invalid-cursor";

  @Test
  void forgedCursorsAreInvalidCursorsNotMissingObjects() {
    String forged = cursor("not-a-number");
    for (String list :
        List.of(
            "/api/v1/tokens",
            "/api/v1/fetchmail-accounts",
            "/api/v1/audit-events",
            "/api/v1/domains")) {
      admin()
          .queryParam("after", list.endsWith("domains") ? "garbage!" : forged)
          .get(list)
          .then()
          .statusCode(400)
          .contentType(Problem.MEDIA_TYPE)
          .body("type", equalTo(INVALID_CURSOR));
    }
  }

  @Test
  void overLongUriIsAProblem() {
    admin()
        .queryParam("after", "a".repeat(10_000))
        .get("/api/v1/domains")
        .then()
        .statusCode(414)
        .contentType(Problem.MEDIA_TYPE)
        .body("type", equalTo("urn:mailplane:problem:uri-too-long"));
  }

  @Test
  void declaredBodyAboveTheHttpLayersLimitIsAProblem() throws IOException {
    // 3 MiB declared, nothing sent: the answer must come from the headers alone.
    String response =
        raw(
            "POST /api/v1/domains HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + io.mailplane.TestApi.ADMIN_TOKEN
                + "\r\nContent-Type: application/json\r\nContent-Length: 3145728\r\n\r\n");
    assertTrue(response.startsWith("HTTP/1.1 413"), response);
    assertTrue(response.contains(Problem.MEDIA_TYPE), response);
    assertTrue(response.contains("urn:mailplane:problem:payload-too-large"), response);
  }

  @Test
  void drainedOversizedBodyAnswersConnectionCloseBeforeClosing() throws IOException {
    // A body above the API limit that the client sends in full is read and dropped, then the
    // connection closed: the answer must say so, or a client pools the connection and its next
    // request races the close.
    int size = 3 * 512 * 1024;
    try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /api/v1/domains HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                  + io.mailplane.TestApi.ADMIN_TOKEN
                  + "\r\nContent-Type: application/json\r\nContent-Length: "
                  + size
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[size]);
      out.flush();
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(response.startsWith("HTTP/1.1 413"), response);
      assertTrue(response.toLowerCase().contains("\r\nconnection: close\r\n"), response);
      assertTrue(response.contains("urn:mailplane:problem:payload-too-large"), response);
    }
  }

  @Test
  void malformedPercentEncodingIsAProblem() throws IOException {
    // Sent raw: HTTP client libraries refuse to send such a URI at all.
    for (String target :
        List.of(
            "/api/v1/mailboxes?after=%%%garbage",
            "/api/v1/mailboxes?after=%zz",
            "/api/v1/mailboxes/%%%garbage",
            "/api/v1/domains/a%g1.example",
            "/api/v1/domains?limit=5&after=%")) {
      String response =
          raw(
              "GET "
                  + target
                  + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                  + io.mailplane.TestApi.ADMIN_TOKEN
                  + "\r\nAccept: application/json\r\nConnection: close\r\n\r\n");
      assertTrue(response.startsWith("HTTP/1.1 400"), target + ": " + response);
      assertTrue(response.contains(Problem.MEDIA_TYPE), target + ": " + response);
      assertTrue(
          response.contains("urn:mailplane:problem:malformed-request"), target + ": " + response);
    }
  }

  @Test
  void readTokenIsForbiddenBeforeValidationAndLookup() {
    String reader = token("read");
    // Invalid body on a missing object: 403, not 400 or 404.
    as(reader)
        .body(Map.of("quotaMb", "lots"))
        .put("/api/v1/mailboxes/nobody@missing-" + System.nanoTime() + ".example")
        .then()
        .statusCode(403)
        .contentType(Problem.MEDIA_TYPE);
    as(reader)
        .delete("/api/v1/domains/missing-" + System.nanoTime() + ".example")
        .then()
        .statusCode(403);
    as(reader).body("{").post("/api/v1/domains").then().statusCode(403);
    as(reader).get("/api/v1/domains").then().statusCode(200);
  }

  private static String cursor(String key) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(("k1:" + key).getBytes(StandardCharsets.UTF_8));
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
      assertEquals(false, text.isEmpty(), "no response");
      return text.toString();
    }
  }
}
