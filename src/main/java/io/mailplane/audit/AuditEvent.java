package io.mailplane.audit;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "audit_event")
public class AuditEvent extends PanacheEntityBase {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "occurred_at", nullable = false)
  public Instant occurredAt;

  /** Id of the token that made the change ("bootstrap" for the bootstrap token). */
  @Column(nullable = false)
  public String actor;

  @Column(nullable = false)
  public String action;

  @Column(name = "resource_type", nullable = false)
  public String resourceType;

  @Column(name = "resource_key", nullable = false)
  public String resourceKey;

  /** The domain the object belongs to, so domain-scoped tokens see their own history. */
  public String domain;

  /**
   * Configuration revision of the change: commit order, no gaps (events.Revisions); null for an
   * event of the audit log only (a sign-in, a role granted through single sign-on).
   */
  @Column(nullable = true)
  public Long revision;

  @Column(name = "before_json")
  public String beforeJson;

  @Column(name = "after_json")
  public String afterJson;
}
