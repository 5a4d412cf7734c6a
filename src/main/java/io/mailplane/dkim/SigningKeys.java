package io.mailplane.dkim;

import io.mailplane.common.DomainNames;
import io.mailplane.push.DkimKeys;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Map;

/**
 * What Rspamd's Redis hash must hold: only active keys (retiring selectors stay in DNS but no
 * longer sign). Values are decrypted here, on the push path only; callers must not log them.
 */
@ApplicationScoped
public class SigningKeys implements DkimKeys {
  @Inject DkimService service;

  // Called from the publisher's thread, which has no request context of its own.
  @Override
  @Transactional
  public Map<String, String> signingKeys(String domain) {
    String name = DomainNames.normalize(domain, "domain");
    List<DkimKey> keys =
        DkimKey.list(
            "select k from DkimKey k join fetch k.domain d where d.name = ?1 and k.status = ?2",
            name,
            DkimKey.ACTIVE);
    return service.signingKeys(keys);
  }

  @Override
  @Transactional
  public Map<String, String> allSigningKeys() {
    List<DkimKey> keys =
        DkimKey.list(
            "select k from DkimKey k join fetch k.domain d where k.status = ?1 order by d.name",
            DkimKey.ACTIVE);
    return service.signingKeys(keys);
  }
}
