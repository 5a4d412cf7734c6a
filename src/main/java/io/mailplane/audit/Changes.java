package io.mailplane.audit;

import io.mailplane.events.Action;
import io.mailplane.events.Resource;
import io.mailplane.push.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one step that records a change of configuration: the audit event (numbered with the next
 * configuration revision at commit, which makes it a change-feed event) and, for a resource the
 * mail containers read, the outbox event; all in the writer's transaction, so they exist if and
 * only if the change commits. A write whose after state equals its before state records nothing. An
 * action that changes no configuration (a sign-in, a role granted through single sign-on) is
 * recorded in the audit log only: no revision, no change-feed event, no outbox event.
 */
@ApplicationScoped
public class Changes {
  @Inject AuditService audit;
  @Inject Outbox outbox;

  /**
   * Call after the change is applied and flushed (so versions are current). before/after are
   * response DTOs, which carry no secrets; null before is a creation, null after a deletion.
   *
   * @return whether anything was recorded (false when before equals after)
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public boolean record(
      Resource resource, Action action, String key, String domain, Object before, Object after) {
    if (Objects.equals(before, after)) {
      return false;
    }
    if (resource.outboxKind() != null && action.reachesMailStack()) {
      outbox.record(resource.outboxKind(), key);
    }
    audit.record(
        action.auditName(resource),
        resource.wireName(),
        key,
        domain,
        before,
        after,
        action.changesConfiguration());
    return true;
  }

  /** One change of a batch: the arguments of {@link #record} after resource and action. */
  public record Change(String key, String domain, Object before, Object after) {}

  /**
   * {@link #record} for many changes of one resource and action in the writer's transaction (an
   * import chunk, a bulk load's chunk of a configuration document): the same audit events, one per
   * change, and the outbox events in one batched statement; for more than {@link
   * Outbox#NEW_MAILBOXES_ABOVE} new mailboxes, one {@link Outbox#NEW_MAILBOXES} event per domain
   * instead of one per mailbox, so that the push targets get one action for the batch.
   *
   * @return how many changes were recorded (those whose before differs from after)
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public int recordAll(Resource resource, Action action, List<Change> batch) {
    List<String> pushed = new ArrayList<>();
    Set<String> domains = new TreeSet<>();
    int recorded = 0;
    for (Change change : batch) {
      if (Objects.equals(change.before(), change.after())) {
        continue;
      }
      if (resource.outboxKind() != null && action.reachesMailStack()) {
        pushed.add(change.key());
        domains.add(change.domain());
      }
      audit.record(
          action.auditName(resource),
          resource.wireName(),
          change.key(),
          change.domain(),
          change.before(),
          change.after(),
          action.changesConfiguration());
      recorded++;
    }
    if (Outbox.MAILBOX.equals(resource.outboxKind())
        && action == Action.CREATE
        && pushed.size() > Outbox.NEW_MAILBOXES_ABOVE) {
      outbox.recordAll(Outbox.NEW_MAILBOXES, domains);
    } else {
      outbox.recordAll(resource.outboxKind(), pushed);
    }
    return recorded;
  }
}
