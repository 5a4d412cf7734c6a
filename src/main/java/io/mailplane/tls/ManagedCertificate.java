package io.mailplane.tls;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.hibernate.annotations.OptimisticLock;

/**
 * A certificate mailplane keeps issued: what is wanted (names, issuer) and what is installed. The
 * version (the ETag) counts changes of what is wanted, i.e. client writes: the issued state the
 * order worker and renewals write is excluded from it, so a renewal never invalidates a client's
 * If-Match.
 */
@Entity
@Table(name = "certificate")
public class ManagedCertificate extends PanacheEntityBase {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  public String name;

  /** Comma-separated A-labels; the first is the subject. */
  public String domains;

  @Column(name = "is_primary")
  public boolean primary;

  public String challenge;

  @Column(name = "key_type")
  public String keyType;

  @Column(name = "directory_url")
  public String directoryUrl;

  @Column(name = "contact_email")
  public String contactEmail;

  @Column(name = "terms_agreed")
  public boolean termsAgreed;

  @Column(name = "eab_kid")
  public String eabKid;

  @Column(name = "eab_hmac_enc")
  public String eabHmacEnc;

  @OptimisticLock(excluded = true)
  public String status;

  @OptimisticLock(excluded = true)
  @Column(name = "not_before")
  public Instant notBefore;

  @OptimisticLock(excluded = true)
  @Column(name = "not_after")
  public Instant notAfter;

  @OptimisticLock(excluded = true)
  public String serial;

  @OptimisticLock(excluded = true)
  @Column(name = "fingerprint_sha256", columnDefinition = "char(64)")
  public String fingerprintSha256;

  @OptimisticLock(excluded = true)
  @Column(name = "issuer_dn")
  public String issuerDn;

  @OptimisticLock(excluded = true)
  @Column(name = "certificate_url")
  public String certificateUrl;

  @OptimisticLock(excluded = true)
  @Column(name = "renew_at")
  public Instant renewAt;

  @OptimisticLock(excluded = true)
  @Column(name = "renewal_source")
  public String renewalSource;

  @OptimisticLock(excluded = true)
  @Column(name = "ari_checked_at")
  public Instant ariCheckedAt;

  @OptimisticLock(excluded = true)
  @Column(name = "last_error")
  public String lastError;

  @OptimisticLock(excluded = true)
  public int failures;

  @OptimisticLock(excluded = true)
  @Column(name = "current_order_id")
  public Long currentOrderId;

  @Version public long version;

  @Column(name = "created_at")
  public Instant createdAt;

  @OptimisticLock(excluded = true)
  @Column(name = "updated_at")
  public Instant updatedAt;

  public List<String> domainList() {
    return Arrays.asList(domains.split(","));
  }

  public static ManagedCertificate findByName(String name) {
    return find("name", name).firstResult();
  }

  /** Reads and locks in one statement, so the state is the locked row's, never a stale copy. */
  public static ManagedCertificate lockByName(String name) {
    return find("name", name).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
  }
}
