package io.mailplane.config;

import io.mailplane.aliases.AliasDomain;
import io.mailplane.aliases.AliasDomainDto;
import io.mailplane.aliases.AliasDomainService;
import io.mailplane.api.Precondition;
import io.mailplane.auth.Caller;
import io.mailplane.common.DomainNames;
import io.mailplane.config.ConfigDocument.AliasDomainEntry;
import io.mailplane.events.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

@ApplicationScoped
class AliasDomainSection implements ConfigSection<AliasDomainEntry> {
  @Inject Caller caller;
  @Inject AliasDomainService service;
  @Inject EntryValidator validator;
  @Inject EntityManager em;

  @Override
  public String name() {
    return "aliasDomains";
  }

  @Override
  public Resource resourceType() {
    return Resource.ALIAS_DOMAIN;
  }

  @Override
  public int rank() {
    return 20;
  }

  @Override
  public List<AliasDomainEntry> entries(ConfigDocument document) {
    return document.aliasDomains();
  }

  @Override
  public String key(AliasDomainEntry entry) {
    return DomainNames.normalize(entry.name(), "name");
  }

  private static final String QUERY = "select a from AliasDomain a join fetch a.target";

  private static final SectionRows<AliasDomain> ROWS =
      new SectionRows<>(
          AliasDomain.class,
          QUERY,
          "AliasDomain a",
          "a.name",
          "a.target.name",
          null,
          "a.target.name in :scope",
          names -> names);

  @Override
  public Page<AliasDomainEntry> exportPage(String after, int limit) {
    return ROWS.page(em, caller.visibleDomains(), after, limit, AliasDomainSection::entry);
  }

  @Override
  public Map<String, AliasDomainEntry> find(Collection<String> keys) {
    Map<String, AliasDomainEntry> found = new HashMap<>();
    for (AliasDomain a : ROWS.byKeys(em, caller.visibleDomains(), keys)) {
      found.put(a.name, entry(a));
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

  private static AliasDomainEntry entry(AliasDomain a) {
    return new AliasDomainEntry(a.name, a.target.name, a.description, a.enabled);
  }

  /** Bean Validation of the request the entry becomes, as the REST layer's @Valid runs it. */
  @Override
  public void check(String key, AliasDomainEntry desired) {
    validator.check(request(key, desired));
  }

  private static AliasDomainDto request(String key, AliasDomainEntry desired) {
    return new AliasDomainDto(
        key,
        null,
        desired.targetDomain(),
        desired.description(),
        desired.enabled(),
        null,
        null,
        null);
  }

  @Override
  public void put(String key, AliasDomainEntry desired, AliasDomainEntry current) {
    AliasDomainDto request = request(key, desired);
    AliasDomainDto wanted = request.withDefaults();
    if (current != null
        && desired.targetDomain() != null
        && new AliasDomainEntry(
                key,
                DomainNames.normalize(desired.targetDomain(), "targetDomain"),
                wanted.description(),
                wanted.enabled())
            .equals(current)) {
      return;
    }
    service.put(key, request, Precondition.NONE);
  }

  @Override
  public void delete(String key) {
    service.delete(key, Precondition.NONE);
  }
}
