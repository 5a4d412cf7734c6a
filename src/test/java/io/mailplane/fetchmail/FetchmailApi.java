package io.mailplane.fetchmail;

import static io.mailplane.TestApi.admin;

import java.util.List;
import java.util.Map;

/** The fetchmail-accounts calls the tests of several packages share. */
public final class FetchmailApi {
  private FetchmailApi() {}

  /** Creates an account through the API; its id. */
  public static long create(Map<String, Object> body) {
    return admin()
        .body(body)
        .post("/api/v1/fetchmail-accounts")
        .then()
        .statusCode(201)
        .extract()
        .jsonPath()
        .getLong("id");
  }

  /** An account's runs, newest first. */
  public static List<Map<String, Object>> runs(long id) {
    return admin()
        .get("/api/v1/fetchmail-accounts/" + id + "/runs?limit=1000")
        .then()
        .statusCode(200)
        .extract()
        .path("items");
  }

  /** Disables an account: its schedule goes at once, its runs stay readable. */
  public static void disable(long id) {
    admin()
        .body(Map.of("enabled", false))
        .patch("/api/v1/fetchmail-accounts/" + id)
        .then()
        .statusCode(200);
  }
}
