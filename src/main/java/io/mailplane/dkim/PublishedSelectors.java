package io.mailplane.dkim;

import io.mailplane.domains.Domain;
import java.util.List;

/**
 * The DNS view of a domain's DKIM keys: every selector that must be published now (active and
 * retiring ones; a key kept while DKIM is off is not). Read by the dns package's report.
 */
public final class PublishedSelectors {
  private PublishedSelectors() {}

  public static List<DkimSelectorDto> of(Domain domain) {
    return DkimKey.ofDomain(domain).stream()
        .filter(k -> !DkimKey.DISABLED.equals(k.status))
        .map(k -> DkimService.toSelectorDto(domain, k))
        .toList();
  }
}
