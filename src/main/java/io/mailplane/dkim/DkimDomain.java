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
  static DkimDomain findForUpdate(long domainId) {
    return find("domainId", domainId).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
  }
}
