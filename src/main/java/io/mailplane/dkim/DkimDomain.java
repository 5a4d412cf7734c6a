package io.mailplane.dkim;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/** Present while DKIM is enabled for a domain; its version is the DKIM resource's ETag. */
@Entity
@Table(name = "dkim_domain")
public class DkimDomain extends PanacheEntityBase {
  @Id
  @Column(name = "domain_id")
  public Long domainId;

  @Version public long version;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;

  /** Locks the row so that concurrent writers of one domain's DKIM are serialized. */
  /**
   * Locks the domain's row (which always exists) before reading this one: a FOR UPDATE on a missing
   * dkim_domain row takes an InnoDB gap lock, and two domains enabling DKIM at once then deadlock
   * on their inserts (seen in bench/push-latency.sh).
   */
  static DkimDomain findForUpdate(long domainId) {
    getEntityManager()
        .find(io.mailplane.domains.Domain.class, domainId, LockModeType.PESSIMISTIC_WRITE);
    return findById(domainId);
  }
}
