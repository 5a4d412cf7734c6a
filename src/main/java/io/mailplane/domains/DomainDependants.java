package io.mailplane.domains;

import io.mailplane.api.ApiException;
import io.mailplane.api.ProblemKind;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

/**
 * The cascade of a domain delete: the rows other features keep in a domain, asked for and deleted
 * through {@link DomainEvents} (the features sit above this package and observe them), inside the
 * caller's transaction.
 */
@ApplicationScoped
public class DomainDependants {
  @Inject Event<DomainEvents.UsageAsked> usageAsked;
  @Inject Event<DomainEvents.Deleting> deleting;

  /** Refuses (RESOURCE_IN_USE, naming what is left) while features hold rows, unless cascade. */
  void requireNoneUnlessCascade(Domain domain, boolean cascade) {
    DomainEvents.UsageAsked usage = new DomainEvents.UsageAsked(domain);
    usageAsked.fire(usage);
    if (!cascade && usage.inUse()) {
      throw new ApiException(
          ProblemKind.RESOURCE_IN_USE,
          String.format(
              "domain '%s' still has %s; delete them first or pass ?cascade=true",
              domain.name, usage.describe()));
    }
  }

  /** Every feature deletes its rows in the domain; the event says whether one did so unaudited. */
  DomainEvents.Deleting deleteAll(Domain domain) {
    DomainEvents.Deleting event = new DomainEvents.Deleting(domain);
    deleting.fire(event);
    return event;
  }
}
