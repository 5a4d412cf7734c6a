package io.mailplane.push;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "outbox_event")
public class OutboxEvent extends PanacheEntityBase {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  /** One of the Outbox kinds: what a target must re-read. */
  @Column(nullable = false)
  public String kind;

  /** Which object: a domain, an address or a certificate name. */
  @Column(name = "event_key", nullable = false)
  public String key;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;
}
