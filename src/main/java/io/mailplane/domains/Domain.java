package io.mailplane.domains;

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

@Entity
@Table(name = "domain")
public class Domain extends PanacheEntityBase {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  /** A-label, lowercase. */
  @Column(nullable = false)
  public String name;

  public String description;

  @Column(nullable = false)
  public boolean enabled;

  @Column(name = "max_mailboxes")
  public Integer maxMailboxes;

  @Column(name = "max_aliases")
  public Integer maxAliases;

  @Column(name = "max_quota_mb")
  public Long maxQuotaMb;

  @Column(name = "default_quota_mb")
  public Long defaultQuotaMb;

  @Version public long version;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;

  public static Domain findByName(String name) {
    return find("name", name).firstResult();
  }

  /** Locks the row so that limit checks of concurrent writers in this domain are serialized. */
  public static Domain findByNameForUpdate(String name) {
    return find("name", name).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
  }
}
