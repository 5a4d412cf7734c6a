package io.mailplane.config;

import io.mailplane.api.Precondition;
import io.mailplane.auth.Caller;
import io.mailplane.common.DomainNames;
import io.mailplane.config.ConfigDocument.DomainEntry;
import io.mailplane.domains.Domain;
import io.mailplane.domains.DomainDto;
import io.mailplane.domains.DomainLimits;
import io.mailplane.domains.DomainService;
import io.mailplane.events.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

@ApplicationScoped
class DomainSection implements ConfigSection<DomainEntry> {
  @Inject Caller caller;
  @Inject DomainService service;
  @Inject EntryValidator validator;
  @Inject EntityManager em;

  @Override
  public String name() {
    return "domains";
  }

  @Override
  public Resource resourceType() {
    return Resource.DOMAIN;
  }

  @Override
  public int rank() {
    return 10;
  }

  @Override
  public List<DomainEntry> entries(ConfigDocument document) {
    return document.domains();
  }

  @Override
  public String key(DomainEntry entry) {
    return DomainNames.normalize(entry.name(), "name");
  }

  private static final SectionRows<Domain> ROWS =
      new SectionRows<>(
          Domain.class,
          "select d from Domain d",
          "Domain d",
          "d.name",
          "d.name",
          null,
          "d.name in :scope",
          names -> names);

  @Override
  public Page<DomainEntry> exportPage(String after, int limit) {
    return ROWS.page(em, caller.visibleDomains(), after, limit, DomainSection::entry);
  }

  @Override
  public Map<String, DomainEntry> find(Collection<String> keys) {
    Map<String, DomainEntry> found = new HashMap<>();
    for (Domain d : ROWS.byKeys(em, caller.visibleDomains(), keys)) {
      found.put(d.name, entry(d));
    }
    return found;
  }

  @Override
  public List<String> keysAfter(String after, int limit) {
    return ROWS.keysAfter(em, caller.visibleDomains(), after, limit);
  }

  @Override
  public List<String> keysInDomains(Collection<String> domains) {
    return ROWS.keysInDomains(em, caller.visibleDomains(), domains);
  }

  private static DomainEntry entry(Domain d) {
    return new DomainEntry(
        d.name,
        d.description,
        d.enabled,
        new DomainLimits(d.maxMailboxes, d.maxAliases, d.maxQuotaMb, d.defaultQuotaMb));
  }

  /** Bean Validation of the request the entry becomes, as the REST layer's @Valid runs it. */
  @Override
  public void check(String key, DomainEntry desired) {
    validator.check(request(key, desired));
  }

  private static DomainDto request(String key, DomainEntry desired) {
    return new DomainDto(
        key, null, desired.description(), desired.enabled(), desired.limits(), null, null, null);
  }

  @Override
  public void put(String key, DomainEntry desired, DomainEntry current) {
    DomainDto request = request(key, desired);
    DomainDto wanted = request.withDefaults();
    if (new DomainEntry(key, wanted.description(), wanted.enabled(), wanted.limits())
        .equals(current)) {
      return;
    }
    service.put(key, request, Precondition.NONE);
  }

  @Override
  public void delete(String key) {
    // Never cascades: a domain still holding objects the document does not manage is a 409.
    service.delete(key, false, Precondition.NONE);
  }
}
