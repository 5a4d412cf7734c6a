package io.mailplane.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.events.Action;
import io.mailplane.events.ChangeEvent;
import io.mailplane.events.ChangeFeed;
import io.mailplane.events.Resource;
import io.mailplane.push.Outbox;
import io.mailplane.push.OutboxEvent;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.transaction.TransactionalException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The one "record a change" step: audit, outbox and revision together, or nothing at all. */
@QuarkusTest
class ChangesTest {
  @Inject Changes changes;
  @Inject ChangeFeed feed;

  @Test
  void anUnchangedObjectRecordsNothing() {
    String key = unique();
    long head = feed.head();
    Map<String, Object> same = Map.of("quotaMb", 100);
    boolean recorded =
        QuarkusTransaction.requiringNew()
            .call(
                () ->
                    changes.record(
                        Resource.MAILBOX,
                        Action.UPDATE,
                        key,
                        "example.org",
                        same,
                        Map.of("quotaMb", 100)));
    assertFalse(recorded);
    assertEquals(head, feed.head());
    assertEquals(0, outboxEvents(Outbox.MAILBOX, key));
    assertEquals(0, auditEvents(key));
  }

  @Test
  void aChangeWritesAuditOutboxAndRevisionInOneTransaction() {
    String key = unique();
    long head = feed.head();
    QuarkusTransaction.requiringNew()
        .run(
            () ->
                changes.record(
                    Resource.MAILBOX,
                    Action.PASSWORD_CHANGE,
                    key,
                    "example.org",
                    Map.of("version", 1),
                    Map.of("version", 2)));
    assertEquals(1, outboxEvents(Outbox.MAILBOX, key));
    AuditEvent audit = QuarkusTransaction.requiringNew().call(() -> auditEvent(key));
    assertEquals("mailbox.password-change", audit.action);
    assertEquals("mailbox", audit.resourceType);
    assertTrue(audit.revision > head);
    ChangeEvent event =
        feed.after(audit.revision - 1, Optional.of(java.util.Set.of("example.org")), 1).get(0);
    assertEquals("mailbox", event.resource());
    assertEquals("password-change", event.action());
    assertEquals(key, event.key());
  }

  @Test
  void aRolledBackChangeLeavesNoTrace() {
    String key = unique();
    long head = feed.head();
    assertThrows(
        IllegalStateException.class,
        () ->
            QuarkusTransaction.requiringNew()
                .run(
                    () -> {
                      changes.record(
                          Resource.DKIM, Action.ROTATE, key, key, Map.of("v", 1), Map.of("v", 2));
                      throw new IllegalStateException("the write fails after recording");
                    }));
    assertEquals(head, feed.head());
    assertEquals(0, outboxEvents(Outbox.DKIM, key));
    assertEquals(0, auditEvents(key));
  }

  @Test
  void aResourceWithoutPushOnlyAudits() {
    String key = unique();
    inWrite(() -> changes.record(Resource.TOKEN, Action.CREATE, key, null, null, Map.of()));
    assertEquals(1, auditEvents(key));
    assertEquals(0, QuarkusTransaction.requiringNew().call(() -> OutboxEvent.count("key", key)));
  }

  @Test
  void aKeptDkimKeyIsAuditedButNotPushed() {
    String key = unique();
    inWrite(() -> changes.record(Resource.DKIM, Action.KEEP_DISABLED, key, key, null, Map.of()));
    assertEquals(
        "dkim.keep-disabled", QuarkusTransaction.requiringNew().call(() -> auditEvent(key)).action);
    assertEquals(0, outboxEvents(Outbox.DKIM, key));
  }

  @Test
  void outsideATransactionNothingIsRecorded() {
    assertThrows(
        TransactionalException.class,
        () ->
            changes.record(
                Resource.MAILBOX, Action.DELETE, unique(), "example.org", Map.of(), null));
  }

  @Test
  void everyStoredActionNameMapsBackToItsAction() {
    for (Resource resource : Resource.values()) {
      for (Action action : Action.values()) {
        assertEquals(action, Action.ofAuditName(action.auditName(resource)));
      }
    }
    assertEquals(null, Action.ofAuditName("mailbox.unheard-of"));
  }

  /**
   * A transaction that has used the persistence context before it records, as every service's has
   * (it read or wrote the rows of the change): the revision is taken at its commit.
   */
  private static void inWrite(Runnable record) {
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              AuditEvent.count();
              record.run();
            });
  }

  private static String unique() {
    return "changes-" + UUID.randomUUID() + "@example.org";
  }

  private static long outboxEvents(String kind, String key) {
    return QuarkusTransaction.requiringNew()
        .call(() -> OutboxEvent.count("kind = ?1 and key = ?2", kind, key));
  }

  private static long auditEvents(String key) {
    return QuarkusTransaction.requiringNew().call(() -> AuditEvent.count("resourceKey", key));
  }

  private static AuditEvent auditEvent(String key) {
    List<AuditEvent> events = AuditEvent.list("resourceKey", key);
    assertEquals(1, events.size());
    return events.get(0);
  }
}
