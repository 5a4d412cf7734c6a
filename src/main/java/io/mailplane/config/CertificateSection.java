package io.mailplane.config;

import io.mailplane.api.Precondition;
import io.mailplane.auth.Caller;
import io.mailplane.config.ConfigDocument.CertificateEntry;
import io.mailplane.events.Resource;
import io.mailplane.tls.CertificateDto;
import io.mailplane.tls.CertificateService;
import io.mailplane.tls.IssuerDto;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * ACME certificates. Server-wide objects: only callers that see everything export or manage them (a
 * domain token's export has none, and a section it sends is refused by the service's admin check).
 * A changed entry starts an order, exactly as a PUT does.
 */
@ApplicationScoped
class CertificateSection implements ConfigSection<CertificateEntry> {
  @Inject Caller caller;
  @Inject CertificateService service;
  @Inject EntryValidator validator;

  @Override
  public String name() {
    return "certificates";
  }

  @Override
  public Resource resourceType() {
    return Resource.CERTIFICATE;
  }

  @Override
  public int rank() {
    return 5;
  }

  @Override
  public List<CertificateEntry> entries(ConfigDocument document) {
    return document.certificates();
  }

  @Override
  public String key(CertificateEntry entry) {
    return CertificateService.validName(entry.name());
  }

  /** Server-wide and few: one page. */
  @Override
  public Page<CertificateEntry> exportPage(String after, int limit) {
    return new Page<>(all(), null);
  }

  private List<CertificateEntry> all() {
    if (caller.visibleDomains().isPresent()) {
      return List.of();
    }
    return service.all().stream()
        .map(
            c ->
                new CertificateEntry(
                    c.name(),
                    c.domains(),
                    c.primary(),
                    c.challenge(),
                    c.keyType(),
                    new IssuerDto(
                        c.issuer().directoryUrl(),
                        c.issuer().contactEmail(),
                        c.issuer().termsAgreed(),
                        c.issuer().eabKid(),
                        null)))
        .toList();
  }

  /** Server-wide and few: read whole, like the export. */
  @Override
  public Map<String, CertificateEntry> find(Collection<String> keys) {
    Map<String, CertificateEntry> found = new HashMap<>();
    for (CertificateEntry entry : all()) {
      if (keys.contains(entry.name())) {
        found.put(entry.name(), entry);
      }
    }
    return found;
  }

  @Override
  public List<String> keysAfter(String after, int limit) {
    return all().stream()
        .map(CertificateEntry::name)
        .filter(name -> after == null || name.compareTo(after) > 0)
        .sorted()
        .limit(limit)
        .toList();
  }

  /** Certificates belong to no domain. */
  @Override
  public List<String> keysInDomains(Collection<String> domains) {
    return List.of();
  }

  /** Bean Validation of the request the entry becomes, as the REST layer's @Valid runs it. */
  @Override
  public void check(String key, CertificateEntry desired) {
    validator.check(toRequest(key, desired));
  }

  @Override
  public void put(String key, CertificateEntry desired, CertificateEntry current) {
    CertificateDto request = toRequest(key, desired);
    if (current != null
        && Objects.equals(
            service.normalized(request), service.normalized(toRequest(key, current)))) {
      return;
    }
    service.put(key, request, Precondition.NONE);
  }

  private static CertificateDto toRequest(String key, CertificateEntry entry) {
    return new CertificateDto(
        key,
        entry.domains(),
        entry.primary(),
        entry.challenge(),
        entry.keyType(),
        entry.issuer(),
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  @Override
  public void delete(String key) {
    service.delete(key, Precondition.NONE);
  }
}
