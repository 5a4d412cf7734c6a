package io.mailplane.api;

import static io.mailplane.TestApi.ADMIN_TOKEN;
import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.createDomain;
import static io.mailplane.TestApi.createMailbox;
import static io.mailplane.TestApi.uniqueDomain;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What a client controls beyond the body: the Host header, path syntax, name encodings, duplicate
 * JSON keys; and what an unauthenticated scrape of /q/metrics reveals.
 */
@QuarkusTest
class AccessSurfaceTest {
  @TestHTTPResource("/")
  URL base;

  /** One HTTP/1.1 exchange on a raw socket, so the Host header is exactly what a client sends. */
  private String exchange(String method, String path, String host, String body) throws Exception {
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(30_000);
      byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
      String head =
          method
              + " "
              + path
              + " HTTP/1.1\r\nHost: "
              + host
              + "\r\nAuthorization: Bearer "
              + ADMIN_TOKEN
              + "\r\nConnection: close\r\n"
              + (body == null
                  ? ""
                  : "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n")
              + "\r\n";
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      in.transferTo(response);
      return response.toString(StandardCharsets.UTF_8);
    }
  }

  private static String header(String response, String name) {
    Matcher m =
        Pattern.compile("(?im)^" + Pattern.quote(name) + ":\\s*(.*?)\\r?$").matcher(response);
    return m.find() ? m.group(1) : null;
  }

  @Test
  void linkAndLocationNeverEchoTheHostHeader() throws Exception {
    String domain = createDomain();
    createMailbox("a@" + domain, "Sup3r-Secret-Passw0rd");
    createMailbox("b@" + domain, "Sup3r-Secret-Passw0rd");
    String page =
        exchange("GET", "/api/v1/mailboxes?domain=" + domain + "&limit=1", "evil.example", null);
    assertTrue(page.startsWith("HTTP/1.1 200"), page);
    String link = header(page, "Link");
    assertTrue(link != null && link.startsWith("</api/v1/mailboxes?"), "Link: " + link);
    assertFalse(link.contains("evil"), link);

    String created =
        exchange(
            "POST", "/api/v1/domains", "evil.example", "{\"name\":\"" + uniqueDomain() + "\"}");
    assertTrue(created.startsWith("HTTP/1.1 201"), created);
    String location = header(created, "Location");
    assertTrue(location != null && location.startsWith("/api/v1/domains/"), location);
  }

  @Test
  void matrixParametersNeverReachAKey() throws Exception {
    String domain = createDomain();
    for (String method : List.of("GET", "DELETE", "PATCH")) {
      var request = given().header("Authorization", "Bearer " + ADMIN_TOKEN);
      if (method.equals("PATCH")) {
        request.contentType(MergePatch.MEDIA_TYPE).body("{\"description\":\"changed\"}");
      }
      request
          .urlEncodingEnabled(false)
          .request(method, "/api/v1/domains/" + domain + ";x")
          .then()
          .statusCode(400)
          .contentType(Problem.MEDIA_TYPE)
          .body("type", equalTo("urn:mailplane:problem:malformed-request"));
    }
    given()
        .header("Authorization", "Bearer " + ADMIN_TOKEN)
        .urlEncodingEnabled(false)
        .get("/api/v1/certificates/mail;x")
        .then()
        .statusCode(400)
        .contentType(Problem.MEDIA_TYPE);
    // Routing decodes and normalizes the path: spellings of /api/ that differ only in the raw
    // request line are refused the same way, and the body never reaches the key before ';'.
    for (String path :
        List.of(
            "/%61pi/v1/domains/" + domain + ";x",
            "/./api/v1/domains/" + domain + ";x",
            "/x/../api/v1/domains/" + domain + ";x")) {
      String response = exchange("PUT", path, "localhost", "{\"description\":\"changed\"}");
      assertTrue(response.startsWith("HTTP/1.1 400"), path + " -> " + response);
      assertTrue(response.contains("malformed-request"), response);
      response = exchange("DELETE", path, "localhost", null);
      assertTrue(response.startsWith("HTTP/1.1 400"), path + " -> " + response);
    }
    admin()
        .get("/api/v1/domains/" + domain)
        .then()
        .statusCode(200)
        .body("description", equalTo(null));
  }

  @Test
  void bodyWithoutContentTypeIsRefusedWhateverTheSpellingOfApi() throws Exception {
    String domain = createDomain();
    byte[] body = "{\"description\":\"changed\"}".getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(30_000);
      String head =
          "PATCH /x/../api/v1/domains/"
              + domain
              + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
              + ADMIN_TOKEN
              + "\r\nConnection: close\r\nContent-Length: "
              + body.length
              + "\r\n\r\n";
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      socket.getInputStream().transferTo(response);
      assertTrue(
          response.toString(StandardCharsets.UTF_8).startsWith("HTTP/1.1 415"),
          response.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void invalidPunycodeIsRefused() {
    String bad = "xn--zz-9999999";
    admin()
        .body(Map.of("name", bad + "." + uniqueDomain()))
        .post("/api/v1/domains")
        .then()
        .statusCode(400)
        .contentType(Problem.MEDIA_TYPE)
        .body("errors[0].field", equalTo("name"));
    String domain = createDomain();
    admin()
        .body(Map.of("address", "x@" + bad + ".example", "password", "Sup3r-Secret-Passw0rd"))
        .post("/api/v1/mailboxes")
        .then()
        .statusCode(400);
    admin()
        .body(Map.of("address", "x@" + domain, "destinations", List.of("y@" + bad + ".example")))
        .post("/api/v1/aliases")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("destinations[0]"));
    // A valid A-label is still accepted, and kept as sent.
    String idn = "xn--bcher-kva." + uniqueDomain();
    admin()
        .body(Map.of("name", idn))
        .post("/api/v1/domains")
        .then()
        .statusCode(201)
        .body("name", equalTo(idn));
  }

  @Test
  void duplicateJsonKeysAreRefused() {
    String domain = createDomain();
    String fresh = uniqueDomain();
    admin()
        .body("{\"name\":\"" + fresh + "\",\"name\":\"" + uniqueDomain() + "\"}")
        .post("/api/v1/domains")
        .then()
        .statusCode(400)
        .contentType(Problem.MEDIA_TYPE);
    admin().get("/api/v1/domains/" + fresh).then().statusCode(404);
    admin()
        .body("{\"description\":\"a\",\"enabled\":true,\"description\":\"b\"}")
        .put("/api/v1/domains/" + domain)
        .then()
        .statusCode(400)
        .contentType(Problem.MEDIA_TYPE);
    admin()
        .contentType(MergePatch.MEDIA_TYPE)
        .body("{\"limits\":{\"maxMailboxes\":1,\"maxMailboxes\":2}}")
        .patch("/api/v1/domains/" + domain)
        .then()
        .statusCode(400)
        .contentType(Problem.MEDIA_TYPE);
    admin()
        .get("/api/v1/domains/" + domain)
        .then()
        .statusCode(200)
        .body("description", equalTo(null));
  }

  @Test
  void metricsNameRouteTemplatesNotAddresses() {
    String domain = createDomain();
    String address = "secret-person@" + domain;
    createMailbox(address, "Sup3r-Secret-Passw0rd");
    admin().get("/api/v1/mailboxes/" + address).then().statusCode(200);
    admin().get("/api/v1/mailboxes/nobody-here@" + domain).then().statusCode(404);
    given().get("/api/v1/mailboxes/" + address).then().statusCode(401);
    admin().get("/api/v1/no-such-" + domain).then().statusCode(404);
    given().get("/no-such-" + domain).then().statusCode(404);
    admin()
        .contentType("text/plain")
        .body("x")
        .put("/api/v1/mailboxes/" + address)
        .then()
        .statusCode(415);
    admin().body("{}").put("/api/v1/mailboxes/" + address + "/x").then().statusCode(404);
    admin().body("{}").post("/api/v1/mailboxes/" + address).then().statusCode(405);
    given()
        .urlEncodingEnabled(false)
        .get("/api/v1/mailboxes/" + address.replace("@", "%40"))
        .then()
        .statusCode(401);
    String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
    metrics
        .lines()
        .filter(l -> l.startsWith("http_server_requests_seconds_count"))
        .forEach(System.out::println);
    assertTrue(metrics.contains("uri=\"/api/v1/mailboxes/{address}\""), "no route template");
    assertFalse(
        metrics.toLowerCase(Locale.ROOT).contains(domain), "a request path leaked into /q/metrics");
  }
}
