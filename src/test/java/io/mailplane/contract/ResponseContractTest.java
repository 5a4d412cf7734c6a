package io.mailplane.contract;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.atlassian.oai.validator.model.SimpleRequest;
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
