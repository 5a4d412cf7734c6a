package io.mailplane.mailboxes;

import io.mailplane.api.ApiException;
import io.mailplane.api.ProblemKind;
import io.mailplane.domains.Domain;
import io.mailplane.domains.DomainEvents;
import io.mailplane.domains.DomainLimits;
import io.mailplane.push.Outbox;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Map;

/**
 * The mailboxes' part of domain-wide changes (DomainEvents): counted before a delete, deleted with
 * the domain, held against lowered limits, and pushed again when the domain's flag changes. The
 * priorities keep the order of the domain's messages and outbox events.
 */
@ApplicationScoped
class MailboxesOfDomain {
  @Inject Outbox outbox;

  void count(@Observes @Priority(100) DomainEvents.UsageAsked usage) {
    usage.holds("mailboxes", Mailbox.count("domain", usage.domain()));
  }

  void delete(@Observes @Priority(200) DomainEvents.Deleting deleting) {
    Domain domain = deleting.domain();
    if (Mailbox.count("domain", domain) > 0) {
      // Dovecot must drop the sessions of every login that goes.
      recordAll(domain);
      Mailbox.delete("domain", domain);
      deleting.removedUnaudited();
    }
  }

  void enabledChanged(@Observes @Priority(100) DomainEvents.EnabledChanged changed) {
    recordAll(changed.domain());
  }

  void checkMailboxCount(@Observes @Priority(100) DomainEvents.LimitsChanging change) {
    change.requireNotBelow(
        "maxMailboxes",
        change.limits().maxMailboxes(),
        () -> Mailbox.count("domain", change.domain()),
        "mailboxes");
  }

  void checkQuotas(@Observes @Priority(300) DomainEvents.LimitsChanging change) {
    DomainLimits limits = change.limits();
    if (limits.maxQuotaMb() != null) {
      long over =
          Mailbox.count(
              "domain = ?1 and (quotaMb = 0 or quotaMb > ?2)",
              change.domain(),
              limits.maxQuotaMb());
      if (over > 0) {
        throw new ApiException(
            ProblemKind.LIMIT_BELOW_USAGE,
            over + " mailboxes have a quota above limits.maxQuotaMb (or none); lower them first");
      }
    }
  }

  /** One MAILBOX event per mailbox of the domain, in one statement. */
  private void recordAll(Domain domain) {
    outbox.recordEach(
        Outbox.MAILBOX,
        "m.address",
        "Mailbox m where m.domain.id = :domain",
        Map.of("domain", domain.id));
  }
}
