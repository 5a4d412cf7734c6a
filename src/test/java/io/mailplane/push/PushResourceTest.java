package io.mailplane.push;

import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.as;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mailplane.TestApi;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class PushResourceTest {
  @Test
  void readersSeeTargetsOnlyAdminsReconcile() {
    String reader = TestApi.token("read");
    as(reader)
        .get("/api/v1/push/targets")
        .then()
        .statusCode(200)
        .body("items.name", hasItems("rspamd", "dovecot"));
    as(reader).post("/api/v1/push/reconcile").then().statusCode(403);
    String domain = TestApi.createDomain();
    as(TestApi.token("domain:" + domain)).get("/api/v1/push/targets").then().statusCode(403);
    admin().post("/api/v1/push/reconcile").then().statusCode(202);
  }

  @Test
  void disablingADomainRecordsAnEventPerMailbox() {
    String domain = TestApi.createDomain();
    TestApi.createMailbox("a@" + domain, "push-test-password-1");
    TestApi.createMailbox("b@" + domain, "push-test-password-1");
    long before = events(domain);
    admin()
        .contentType("application/merge-patch+json")
        .body(Map.of("enabled", false))
        .patch("/api/v1/domains/" + domain)
        .then()
        .statusCode(200);
    assertEquals(2, events(domain) - before);
  }

  /** Mailbox events of the domain, counted before the publisher may prune them. */
  private static long events(String domain) {
    return QuarkusTransaction.requiringNew()
        .call(() -> OutboxEvent.count("kind = ?1 and key like ?2", Outbox.MAILBOX, "%@" + domain));
  }
}
