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
import jakarta.persistence.EntityManager;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

@ApplicationScoped
class AliasSection implements ConfigSection<AliasEntry> {
  @Inject Caller caller;
  @Inject AliasService service;
  @Inject EntryValidator validator;
  @Inject EntityManager em;

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

  private static final String QUERY =
      "select distinct a from Alias a left join fetch a.destinations";

  private static final SectionRows<Alias> ROWS =
      new SectionRows<>(
          Alias.class,
          QUERY,
          "Alias a",
          "a.address",
          "a.domain.name",
          null,
          "a.domain.id in :scope",
          DomainQueries::idsOf);

  @Override
  public Page<AliasEntry> exportPage(String after, int limit) {
    return ROWS.page(em, caller.visibleDomains(), after, limit, AliasSection::entry);
  }

  @Override
  public Map<String, AliasEntry> find(Collection<String> keys) {
    Map<String, AliasEntry> found = new HashMap<>();
    for (Alias a : ROWS.byKeys(em, caller.visibleDomains(), keys)) {
      found.put(a.address, entry(a));
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

  private static AliasEntry entry(Alias a) {
    return new AliasEntry(a.address, List.copyOf(a.destinations), a.enabled, a.description);
  }

  /** Bean Validation of the request the entry becomes, as the REST layer's @Valid runs it. */
  @Override
  public void check(String key, AliasEntry desired) {
    validator.check(request(key, desired));
  }

  private static AliasDto request(String key, AliasEntry desired) {
    return new AliasDto(
        key,
        desired.destinations(),
        desired.enabled(),
        desired.description(),
        null,
        null,
        null,
        null,
        null);
  }

  @Override
  public void put(String key, AliasEntry desired, AliasEntry current) {
    AliasDto request = request(key, desired);
    AliasDto wanted = request.withDefaults();
    if (current != null
        && new AliasEntry(key, wanted.destinations(), wanted.enabled(), wanted.description())
            .equals(current)) {
      return;
    }
    service.put(key, request, Precondition.NONE);
  }

  @Override
  public int createChunk() {
    return BATCH;
  }

  @Override
  public void createAll(Map<String, AliasEntry> entries) {
    service.createAll(
        entries.entrySet().stream().map(e -> request(e.getKey(), e.getValue())).toList());
  }

  @Override
  public void delete(String key) {
    service.delete(key, Precondition.NONE);
  }
}
