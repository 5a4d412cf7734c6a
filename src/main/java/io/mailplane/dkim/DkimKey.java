package io.mailplane.dkim;

import io.mailplane.domains.Domain;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;

@Entity
@Table(name = "dkim_key")
public class DkimKey extends PanacheEntityBase {
  static final String ACTIVE = "active";
  static final String RETIRING = "retiring";

  /**
   * Kept while DKIM is off (a seed's switched-off key, imported): never signs, not published;
   * enabling DKIM without a new key switches it on, so its DNS record stays valid.
   */
  static final String DISABLED = "disabled";

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @ManyToOne(fetch = FetchType.LAZY, optional = false)
  @JoinColumn(name = "domain_id")
  public Domain domain;

  @Column(nullable = false)
  public String selector;

  /** "rsa" or "ed25519". */
  @Column(nullable = false)
  public String algorithm;

  @Column(name = "key_bits", nullable = false)
  public int keyBits;

  /** The DNS p= value. */
  @Column(name = "public_key", nullable = false)
  public String publicKey;

  /** PKCS#8 DER encrypted by crypto.SecretCipher; context: {@link #cipherContext}. */
  @Column(name = "private_key_enc", nullable = false)
  public String privateKeyEnc;

  /** active: signs (in Redis); retiring: only published in DNS until retireAt; disabled. */
  @Column(nullable = false)
  public String status;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "retire_at")
  public Instant retireAt;

  /** Binds a ciphertext to its domain and selector: copied to another row it will not open. */
  static String cipherContext(String domain, String selector) {
    return "dkim:" + domain + ":" + selector;
  }

  /** Active first, then retiring by selector. */
  static List<DkimKey> ofDomain(Domain domain) {
    return list("domain = ?1 order by status asc, selector asc", domain);
  }
}
