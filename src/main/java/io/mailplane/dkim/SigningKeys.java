package io.mailplane.dkim;

import io.mailplane.common.DomainNames;
import io.mailplane.crypto.SecretCipher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What Rspamd's Redis hashes must hold (RspamdRedisTarget writes them): only active keys (retiring
 * selectors stay in DNS but no longer sign). Values are decrypted here, on the push path only;
 * callers must not log them.
 */
@ApplicationScoped
public class SigningKeys {
  /** A key that signs now: its domain (A-label), selector and the value Rspamd reads. */
  public record Key(String domain, String selector, String value) {}

  @Inject SecretCipher cipher;

  // Called from the publisher's thread, which has no request context of its own.
  /** The keys of one domain that Rspamd must sign with now; empty when DKIM is off or gone. */
  @Transactional
  public List<Key> of(String domain) {
    String name = DomainNames.normalize(domain, "domain");
    List<DkimKey> keys =
        DkimKey.list(
            "select k from DkimKey k join fetch k.domain d where d.name = ?1 and k.status = ?2",
            name,
            DkimKey.ACTIVE);
    return decrypted(keys);
  }

  /** Every domain's signing keys, for a full reconcile. */
  @Transactional
  public List<Key> all() {
    List<DkimKey> keys =
        DkimKey.list(
            "select k from DkimKey k join fetch k.domain d where k.status = ?1 order by d.name",
            DkimKey.ACTIVE);
    return decrypted(keys);
  }

  private List<Key> decrypted(List<DkimKey> keys) {
    List<Key> out = new ArrayList<>();
    for (DkimKey key : keys) {
      byte[] pkcs8 =
          cipher.decrypt(key.privateKeyEnc, DkimKey.cipherContext(key.domain.name, key.selector));
      try {
        out.add(
            new Key(
                key.domain.name, key.selector, DkimKeyMaterial.rspamdValue(key.algorithm, pkcs8)));
      } finally {
        Arrays.fill(pkcs8, (byte) 0);
      }
    }
    return out;
  }
}
