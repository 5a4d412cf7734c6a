package io.mailplane.contract;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.atlassian.oai.validator.model.SimpleRequest;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The response gate itself: it fails on what the contract does not declare and explains why. No
 * server needed: the exchanges are made up.
 */
class ResponseContractTest {
  private static final String PROBLEM =
      "{\"type\":\"urn:mailplane:problem:not-found\",\"title\":\"Not found\",\"status\":404,"
          + "\"detail\":\"no such domain\",\"instance\":\"/api/v1/domains/x.example\"}";

  private static void check(int status, Map<String, List<String>> headers, String body) {
    ResponseContract.assertMatches(
        SimpleRequest.Builder.get("/api/v1/domains/x.example").build(),
        new ResponseContract.Observed(status, headers, body),
        true);
  }

  private static Map<String, List<String>> problemHeaders() {
    return Map.of("Content-Type", List.of("application/problem+json"));
  }

  @Test
  void eventDataIsCheckedAgainstTheSchemaTheContractNames() {
    assumeTrue(ResponseContract.mode().equals("true"), "this run only records violations");
    String event =
        "{\"revision\":42,\"resource\":\"mailbox\",\"key\":\"john@example.com\","
            + "\"action\":\"update\",\"domain\":null,\"occurredAt\":\"2022-03-10T16:15:50Z\"}";
    assertDoesNotThrow(() -> ResponseContract.checkEvent("/api/v1/events", event));
    AssertionError e =
        assertThrows(
            AssertionError.class,
            () -> ResponseContract.checkEvent("/api/v1/events", event.replace("42", "\"42\"")));
    assertTrue(e.getMessage().contains("revision"), e.getMessage());
    assertThrows(AssertionError.class, () -> ResponseContract.checkEvent("/api/v1/domains", "{}"));
  }

  /** What passes through the SDK scenarios' proxy is checked: a made-up upstream answers 418. */
  @Test
  void theProxyFailsOnWhatPassedThroughIt() throws Exception {
    assumeTrue(ResponseContract.mode().equals("true"), "this run only records violations");
    HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          byte[] body = PROBLEM.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
          exchange.sendResponseHeaders(418, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    upstream.start();
    try {
      ContractProxy proxy =
          ContractProxy.start(
              URI.create("http://127.0.0.1:" + upstream.getAddress().getPort() + "/"));
      HttpResponse<String> relayed =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(proxy.uri().resolve("/api/v1/domains/x.example")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(418, relayed.statusCode());
      assertEquals(PROBLEM, relayed.body());
      AssertionError e = assertThrows(AssertionError.class, proxy::close);
      assertTrue(e.getMessage().contains("validation.response.status.unknown"), e.getMessage());
    } finally {
      upstream.stop(0);
    }
  }

  /** An endpoint the server answers but the contract does not contain is caught. */
  @Test
  void aSuccessOnAnApiPathOutsideTheContractFails() {
    assumeTrue(ResponseContract.mode().equals("true"), "this run only records violations");
    Map<String, List<String>> json = Map.of("Content-Type", List.of("application/json"));
    SimpleRequest unknownPath = SimpleRequest.Builder.get("/api/v1/not-in-the-contract").build();
    assertFailsWith(
        "validation.request.path.missing",
        unknownPath,
        new ResponseContract.Observed(200, json, "{}"));
    assertFailsWith(
        "validation.request.operation.notAllowed",
        SimpleRequest.Builder.patch("/api/v1/tokens").build(),
        new ResponseContract.Observed(204, Map.of(), ""));
    // An error answer on such a path, and anything outside /api, is not the contract's business.
    assertDoesNotThrow(
        () ->
            ResponseContract.assertMatches(
                unknownPath, new ResponseContract.Observed(404, problemHeaders(), PROBLEM), true));
    assertDoesNotThrow(
        () ->
            ResponseContract.assertMatches(
                SimpleRequest.Builder.get("/q/health").build(),
                new ResponseContract.Observed(200, json, "{}"),
                true));
  }

  private static void assertFailsWith(
      String key, SimpleRequest request, ResponseContract.Observed response) {
    AssertionError e =
        assertThrows(
            AssertionError.class, () -> ResponseContract.assertMatches(request, response, true));
    assertTrue(e.getMessage().contains(key), e.getMessage());
  }

  @Test
  void aDeclaredResponsePasses() {
    assertDoesNotThrow(() -> check(404, problemHeaders(), PROBLEM));
  }

  @Test
  void anUndeclaredStatusFails() {
    AssertionError e =
        assertThrows(AssertionError.class, () -> check(418, problemHeaders(), PROBLEM));
    assertTrue(e.getMessage().contains("validation.response.status.unknown"), e.getMessage());
    assertTrue(e.getMessage().contains("getDomain"), "names the operation: " + e.getMessage());
  }

  @Test
  void colonActionPathsAreMatched() {
    AssertionError e =
        assertThrows(
            AssertionError.class,
            () ->
                ResponseContract.assertMatches(
                    SimpleRequest.Builder.post("/api/v1/config:apply").build(),
                    new ResponseContract.Observed(418, problemHeaders(), PROBLEM),
                    true));
    assertTrue(e.getMessage().contains("applyConfig"), e.getMessage());
  }

  @Test
  void anUndeclaredHeaderFails() {
    Map<String, List<String>> headers =
        Map.of("Content-Type", List.of("application/problem+json"), "X-Debug", List.of("1"));
    AssertionError e = assertThrows(AssertionError.class, () -> check(404, headers, PROBLEM));
    assertTrue(e.getMessage().contains("Header 'X-Debug'"), e.getMessage());
  }

  @Test
  void aBodyThatBreaksItsSchemaFails() {
    AssertionError e =
        assertThrows(
            AssertionError.class,
            () -> check(404, problemHeaders(), PROBLEM.replace("404", "\"404\"")));
    assertTrue(e.getMessage().contains("/status"), e.getMessage());
  }

  @Test
  void aWrongContentTypeFails() {
    assertThrows(
        AssertionError.class,
        () -> check(404, Map.of("Content-Type", List.of("text/html")), PROBLEM));
  }

  @Test
  void aMissingRequiredHeaderFails() {
    AssertionError e =
        assertThrows(
            AssertionError.class,
            () ->
                ResponseContract.assertMatches(
                    SimpleRequest.Builder.get("/api/v1/domains").build(),
                    new ResponseContract.Observed(
                        401,
                        problemHeaders(),
                        PROBLEM.replace("404", "401").replace("not-found", "unauthorized")),
                    true));
    assertTrue(e.getMessage().contains("WWW-Authenticate"), e.getMessage());
  }
}
