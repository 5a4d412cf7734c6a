package io.mailplane.config;

import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.createAlias;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.BulkTestDomains;
import io.mailplane.audit.AuditEvent;
import io.mailplane.events.ChangeEvent;
import io.mailplane.events.ChangeFeed;
import io.mailplane.mailboxes.Mailbox;
import io.mailplane.push.Outbox;
import io.mailplane.push.OutboxEvent;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A bulk load through config:apply: documents of more new objects than one chunk of {@link
 * ConfigSection#BATCH}, prune=false. Each object keeps its own audit and change-feed event, the
 * revisions stay consecutive, the outbox gets one event per domain and chunk for the new mailboxes,
 * and a refused entry anywhere in a chunk is named with nothing changed.
 */
@QuarkusTest
class ConfigBulkLoadTest {
  static final String HASH = "$2y$05$abcdefghijklmnopqrstuu5Wb0QxX5Om3Y.yTZuHRDGBmzMqG5uKe";
  static final int MANY = ConfigSection.BATCH + 100;

  @Inject ChangeFeed feed;

  final BulkTestDomains domains = new BulkTestDomains();

  @AfterEach
  void emptyDomains() {
    domains.empty();
  }

  @Test
  void chunkedDocumentsRecordOneConsecutiveEventPerObject() {
    String domain = domains.create();
    long start = feed.head();
    apply(mailboxes(domain, "m", 0, MANY, -1))
        .body("summary.create", equalTo(MANY))
        .body("summary.update", equalTo(0));
    apply(aliases(domain, MANY)).body("summary.create", equalTo(MANY));
    // A few new mailboxes keep an outbox event each; and an update stays an update.
    apply(
            mailboxes(domain, "few", 0, 3, -1)
                .replace("]}", ",{\"address\":\"m0@" + domain + "\",\"quotaMb\":2048}]}"))
        .body("summary.create", equalTo(3))
        .body("summary.update", equalTo(1));

    List<ChangeEvent> events = feed.after(start, Optional.empty(), 10 * MANY);
    for (int i = 0; i < events.size(); i++) {
      assertEquals(start + 1 + i, events.get(i).revision(), "the feed has no gap");
    }
    List<ChangeEvent> ours = events.stream().filter(e -> domain.equals(e.domain())).toList();
    assertEquals(2 * MANY + 3 + 1, ours.size());
    Set<String> created = new HashSet<>();
    for (ChangeEvent event : ours) {
      if (event.action().equals("create")) {
        assertTrue(created.add(event.resource() + " " + event.key()), "once: " + event.key());
      }
    }
    assertTrue(created.contains("mailbox m" + (MANY - 1) + "@" + domain));
    assertTrue(created.contains("alias a" + (MANY - 1) + "@" + domain));
    assertEquals(2 * MANY + 3, created.size());

    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              assertEquals(
                  MANY + 3, AuditEvent.count("domain = ?1 and action = 'mailbox.create'", domain));
              assertEquals(
                  MANY, AuditEvent.count("domain = ?1 and action = 'alias.create'", domain));
              // Two chunks of new mailboxes, one event each for their one domain; the three of
              // the small document and the update one each.
              assertEquals(
                  2, OutboxEvent.count("kind = ?1 and key = ?2", Outbox.NEW_MAILBOXES, domain));
              assertEquals(
                  4, OutboxEvent.count("kind = ?1 and key like ?2", Outbox.MAILBOX, "%@" + domain));
              assertEquals(MANY + 3, Mailbox.count("address like ?1", "%@" + domain));
            });
  }

  @Test
  void planOfABulkDocumentIsWhatApplyWouldDoAndChangesNothing() {
    String domain = domains.create();
    long start = feed.head();
    admin()
        .body(mailboxes(domain, "p", 0, MANY, -1))
        .post("/api/v1/config:plan?prune=false")
        .then()
        .statusCode(200)
        .body("summary.create", equalTo(MANY))
        .body("changes[0].action", equalTo("create"));
    assertEquals(start, feed.head());
    assertEquals(
        0L,
        (long)
            QuarkusTransaction.requiringNew()
                .call(() -> Mailbox.count("address like ?1", "%@" + domain)));
  }

  @Test
  void aRefusedEntryInTheSecondChunkIsNamedAndNothingIsApplied() {
    String domain = domains.create(Map.of("limits", Map.of("maxQuotaMb", 4096)));
    long start = feed.head();
    int bad = ConfigSection.BATCH + 42;
    // Valid on its own (the check before the transaction passes it): the domain's limit refuses
    // it, inside the chunk's batch.
    admin()
        .body(mailboxes(domain, "q", 0, MANY, bad))
        .post("/api/v1/config:apply?prune=false")
        .then()
        .statusCode(409)
        .body("detail", containsString("mailboxes[q" + bad + "@" + domain + "]"));
    // Two new aliases of one chunk that lead to each other: the second one is named.
    String loop =
        "{\"aliases\":["
            + "{\"address\":\"x@"
            + domain
            + "\",\"destinations\":[\"y@"
            + domain
            + "\"]},{\"address\":\"y@"
            + domain
            + "\",\"destinations\":[\"x@"
            + domain
            + "\"]}]}";
    admin()
        .body(loop)
        .post("/api/v1/config:apply?prune=false")
        .then()
        .statusCode(409)
        .body("detail", containsString("aliases[y@" + domain + "]"));
    assertEquals(start, feed.head());
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              assertEquals(0, Mailbox.count("address like ?1", "%@" + domain));
              // Only the domain's own creation.
              assertEquals(
                  0, AuditEvent.count("domain = ?1 and action <> 'domain.create'", domain));
              assertEquals(0, OutboxEvent.count("key = ?1", domain));
            });
  }

  @Test
  void updatesGoBeforeTheNewObjectsTheyMakeValid() {
    String domain = domains.create();
    createAlias("x@" + domain, List.of("z@" + domain));
    // A new z -> x closes a loop with x -> z as it is, not with x -> w as the document makes it.
    apply(
            "{\"aliases\":[{\"address\":\"z@"
                + domain
                + "\",\"destinations\":[\"x@"
                + domain
                + "\"]},{\"address\":\"x@"
                + domain
                + "\",\"destinations\":[\"w@"
                + domain
                + "\"]}]}")
        .body("summary.create", equalTo(1))
        .body("summary.update", equalTo(1));
  }

  private static io.restassured.response.ValidatableResponse apply(String document) {
    return admin().body(document).post("/api/v1/config:apply?prune=false").then().statusCode(200);
  }

  /** count new pre-hashed mailboxes prefix{i}@domain; entry `over` (if >= 0) above 4096 MB. */
  static String mailboxes(String domain, String prefix, int from, int count, int over) {
    StringBuilder doc = new StringBuilder("{\"mailboxes\":[");
    for (int i = from; i < from + count; i++) {
      doc.append(i == from ? "" : ",")
          .append("{\"address\":\"")
          .append(prefix)
          .append(i)
          .append('@')
          .append(domain)
          .append("\",\"passwordHash\":\"")
          .append(HASH)
          .append("\",\"quotaMb\":")
          .append(i == over ? 8192 : 1024)
          .append('}');
    }
    return doc.append("]}").toString();
  }

  /** count aliases a{i}@domain, each to the mailbox m{i}@domain. */
  static String aliases(String domain, int count) {
    StringBuilder doc = new StringBuilder("{\"aliases\":[");
    for (int i = 0; i < count; i++) {
      doc.append(i == 0 ? "" : ",")
          .append("{\"address\":\"a")
          .append(i)
          .append('@')
          .append(domain)
          .append("\",\"destinations\":[\"m")
          .append(i)
          .append('@')
          .append(domain)
          .append("\"]}");
    }
    return doc.append("]}").toString();
  }
}
