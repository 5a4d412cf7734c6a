package io.mailplane.config;

import io.mailplane.aliases.Alias;
import io.mailplane.aliases.AliasDto;
import io.mailplane.aliases.AliasService;
import io.mailplane.api.Precondition;
import io.mailplane.auth.Caller;
import io.mailplane.common.MailAddress;
import io.mailplane.config.ConfigDocument.AliasEntry;
import io.mailplane.domains.DomainQueries;
import io.mailplane.events.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;

@ApplicationScoped
class AliasSection implements ConfigSection<AliasEntry> {
  @Inject Caller caller;
  @Inject AliasService service;
  @Inject EntryValidator validator;

  @Override
  public String name() {
    return "aliases";
  }

  @Override
  public Resource resourceType() {
    return Resource.ALIAS;
  }

  @Override
  public int rank() {
    // After mailboxes: an alias listing its own address needs that mailbox to exist.
    return 50;
  }

  @Override
  public List<AliasEntry> entries(ConfigDocument document) {
    return document.aliases();
  }

  @Override
  public String key(AliasEntry entry) {
    return MailAddress.parse(entry.address(), "address", true).toString();
  }

  @Override
  public List<AliasEntry> export() {
    String query = "select distinct a from Alias a left join fetch a.destinations";
    List<Alias> rows =
        ConfigSection.visibleRows(
            caller.visibleDomains(),
            () -> Alias.list(query + " order by a.address"),
            names ->
                Alias.list(
                    query + " where a.domain.id in ?1 order by a.address",
                    DomainQueries.idsOf(names)));
    return rows.stream()
        .map(a -> new AliasEntry(a.address, List.copyOf(a.destinations), a.enabled, a.description))
        .toList();
  }

  @Override
  public void put(String key, AliasEntry desired, AliasEntry current) {
    AliasDto request =
        new AliasDto(
            key,
            desired.destinations(),
            desired.enabled(),
            desired.description(),
            null,
            null,
            null,
            null,
            null);
    AliasDto wanted = request.withDefaults();
    if (current != null
        && new AliasEntry(key, wanted.destinations(), wanted.enabled(), wanted.description())
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
