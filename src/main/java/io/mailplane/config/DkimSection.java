package io.mailplane.config;

import io.mailplane.api.Precondition;
import io.mailplane.auth.Caller;
import io.mailplane.common.DomainNames;
import io.mailplane.config.ConfigDocument.DkimEntry;
import io.mailplane.dkim.DkimDto;
import io.mailplane.dkim.DkimKey;
import io.mailplane.dkim.DkimService;
import io.mailplane.domains.DomainQueries;
import io.mailplane.events.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * DKIM settings: an entry means signing is enabled with that selector and algorithm. Private keys
 * are secrets and never leave the server, so a new entry generates a key and a round trip keeps the
 * current one.
 */
@ApplicationScoped
class DkimSection implements ConfigSection<DkimEntry> {
  private static final String ED25519 = "ed25519";

  @Inject Caller caller;
  @Inject DkimService service;
  @Inject EntryValidator validator;
  @Inject EntityManager em;

  @Override
  public String name() {
    return "dkim";
  }

  @Override
  public Resource resourceType() {
    return Resource.DKIM;
  }

  @Override
  public int rank() {
    return 30;
  }

  @Override
  public List<DkimEntry> entries(ConfigDocument document) {
    return document.dkim();
  }

  @Override
  public String key(DkimEntry entry) {
    return DomainNames.normalize(entry.domain(), "domain");
  }

  private static final SectionRows<DkimKey> ROWS =
      new SectionRows<>(
          DkimKey.class,
          "select k from DkimKey k join fetch k.domain",
          "DkimKey k",
          "k.domain.name",
          "k.domain.name",
          "k.status = 'active'",
          "k.domain.id in :scope",
          DomainQueries::idsOf);

  @Override
  public Page<DkimEntry> exportPage(String after, int limit) {
    return ROWS.page(em, caller.visibleDomains(), after, limit, DkimSection::entry);
  }

  @Override
  public Map<String, DkimEntry> find(Collection<String> keys) {
    Map<String, DkimEntry> found = new HashMap<>();
    for (DkimKey k : ROWS.byKeys(em, caller.visibleDomains(), keys)) {
      found.put(k.domain.name, entry(k));
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

  private static DkimEntry entry(DkimKey k) {
    return new DkimEntry(
        k.domain.name, k.selector, k.algorithm, ED25519.equals(k.algorithm) ? null : k.keyBits);
  }

  /** Bean Validation of the request the entry becomes, as the REST layer's @Valid runs it. */
  @Override
  public void check(String key, DkimEntry desired) {
    validator.check(request(desired));
  }

  private static DkimDto request(DkimEntry desired) {
    return new DkimDto(
        null,
        null,
        desired.selector(),
        desired.algorithm(),
        desired.keyBits(),
        null,
        null,
        null,
        null);
  }

  @Override
  public void put(String key, DkimEntry desired, DkimEntry current) {
    if (current != null) {
      String algorithm = desired.algorithm() == null ? current.algorithm() : desired.algorithm();
      DkimEntry normalized =
          new DkimEntry(
              key,
              desired.selector() == null
                  ? current.selector()
                  : desired.selector().toLowerCase(Locale.ROOT),
              algorithm,
              ED25519.equals(algorithm)
                  ? null
                  : desired.keyBits() != null
                      ? desired.keyBits()
                      : algorithm.equals(current.algorithm()) ? current.keyBits() : null);
      if (normalized.equals(current)) {
        return;
      }
    }
    DkimDto request = request(desired);
    service.put(key, request, Precondition.NONE);
  }

  @Override
  public void delete(String key) {
    service.disable(key, Precondition.NONE);
  }
}
