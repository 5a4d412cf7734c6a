package io.mailplane.aliases;

import io.mailplane.audit.Changes;
import io.mailplane.domains.Domain;
import io.mailplane.domains.DomainEvents;
import io.mailplane.events.Action;
import io.mailplane.events.Resource;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * The aliases' and alias domains' part of domain-wide changes (DomainEvents). The priorities
 * interleave with MailboxesOfDomain's so messages name mailboxes, aliases, alias domains in that
 * order, and aliases go before the mailboxes they may point at.
 */
@ApplicationScoped
class AliasesOfDomain {
  @Inject Changes changes;

  void nameClaimed(@Observes DomainEvents.NameClaimed claim) {
    if (AliasDomain.findByName(claim.name()) != null) {
      claim.takenAs("alias domain");
    }
  }

  void countAliases(@Observes @Priority(200) DomainEvents.UsageAsked usage) {
    usage.holds("aliases", Alias.count("domain", usage.domain()));
  }

  void countAliasDomains(@Observes @Priority(300) DomainEvents.UsageAsked usage) {
    usage.holds("alias domains", AliasDomain.count("target", usage.domain()));
  }

  void deleteAliases(@Observes @Priority(100) DomainEvents.Deleting deleting) {
    if (Alias.deleteAllOfDomain(deleting.domain()) > 0) {
      deleting.removedUnaudited();
    }
  }

  /** Alias domains are audited one by one, so they alone do not make the delete a cascade. */
  void deleteAliasDomains(@Observes @Priority(300) DomainEvents.Deleting deleting) {
    Domain domain = deleting.domain();
    for (AliasDomain aliasDomain : AliasDomain.<AliasDomain>list("target", domain)) {
      changes.record(
          Resource.ALIAS_DOMAIN,
          Action.DELETE,
          aliasDomain.name,
          domain.name,
          AliasDomainService.toDto(aliasDomain),
          null);
      aliasDomain.delete();
    }
  }

  void checkAliasCount(@Observes @Priority(200) DomainEvents.LimitsChanging change) {
    change.requireNotBelow(
        "maxAliases",
        change.limits().maxAliases(),
        () -> Alias.count("domain", change.domain()),
        "aliases");
  }
}
