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
import java.util.List;

@ApplicationScoped
class AliasDomainSection implements ConfigSection<AliasDomainEntry> {
  @Inject Caller caller;
  @Inject AliasDomainService service;
  @Inject EntryValidator validator;

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

  @Override
  public List<AliasDomainEntry> export() {
    String query = "select a from AliasDomain a join fetch a.target";
    List<AliasDomain> rows =
        ConfigSection.visibleRows(
            caller.visibleDomains(),
            () -> AliasDomain.list(query + " order by a.name"),
            names -> AliasDomain.list(query + " where a.target.name in ?1 order by a.name", names));
    return rows.stream()
        .map(a -> new AliasDomainEntry(a.name, a.target.name, a.description, a.enabled))
        .toList();
  }

  @Override
  public void put(String key, AliasDomainEntry desired, AliasDomainEntry current) {
    AliasDomainDto request =
        new AliasDomainDto(
            key,
            null,
            desired.targetDomain(),
            desired.description(),
            desired.enabled(),
            null,
            null,
            null);
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
    validator.check(request);
    service.put(key, request, Precondition.NONE);
  }

  @Override
  public void delete(String key) {
    service.delete(key, Precondition.NONE);
  }
}
