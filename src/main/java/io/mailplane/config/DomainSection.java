package io.mailplane.config;

import io.mailplane.auth.Caller;
import io.mailplane.common.DomainNames;
import io.mailplane.config.ConfigDocument.DomainEntry;
import io.mailplane.domains.Domain;
import io.mailplane.domains.DomainDto;
import io.mailplane.domains.DomainLimits;
import io.mailplane.domains.DomainService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Objects;

@ApplicationScoped
class DomainSection implements ConfigSection<DomainEntry> {
  @Inject Caller caller;
  @Inject DomainService service;
  @Inject EntryValidator validator;

  @Override
  public String name() {
    return "domains";
  }

  @Override
  public String resourceType() {
    return "domain";
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

  @Override
  public List<DomainEntry> export() {
    List<Domain> rows =
        ConfigSection.visibleRows(
            caller.visibleDomains(),
            () -> Domain.list("order by name"),
            names -> Domain.list("name in ?1 order by name", names));
    return rows.stream()
        .map(
            d ->
                new DomainEntry(
                    d.name,
                    d.description,
                    d.enabled,
                    new DomainLimits(d.maxMailboxes, d.maxAliases, d.maxQuotaMb, d.defaultQuotaMb)))
        .toList();
  }

  @Override
  public void put(String key, DomainEntry desired, DomainEntry current) {
    DomainEntry normalized =
        new DomainEntry(
            key,
            desired.description() == null ? null : desired.description().strip(),
            desired.enabled() == null || desired.enabled(),
            Objects.requireNonNullElse(desired.limits(), DomainLimits.NONE));
    if (normalized.equals(current)) {
      return;
    }
    DomainDto request =
        new DomainDto(
            key,
            null,
            desired.description(),
            desired.enabled(),
            desired.limits(),
            null,
            null,
            null);
    validator.check(request);
    service.put(key, request, null, null);
  }

  @Override
  public void delete(String key) {
    // Never cascades: a domain still holding objects the document does not manage is a 409.
    service.delete(key, false, null);
  }
}
