package io.mailplane.mailboxes;

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
import jakarta.persistence.Version;
import java.time.Instant;

@Entity
@Table(name = "mailbox")
public class Mailbox extends PanacheEntityBase {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @ManyToOne(fetch = FetchType.LAZY, optional = false)
  @JoinColumn(name = "domain_id", nullable = false)
  public Domain domain;

  @Column(name = "local_part", nullable = false)
  public String localPart;

  /** local_part@domain, lowercase: the key every daemon lookup uses. */
  @Column(nullable = false)
  public String address;

  @Column(name = "display_name")
  public String displayName;

  /** Dovecot format, e.g. $2y$..., {ARGON2ID}$argon2id$... */
  @Column(name = "password_hash", nullable = false)
  public String passwordHash;

  /** MiB; 0 = unlimited. */
  @Column(name = "quota_mb", nullable = false)
  public long quotaMb;

  @Column(nullable = false)
  public boolean enabled;

  @Column(name = "send_only", nullable = false)
  public boolean sendOnly;

  /**
   * The seed admin's flags: a signed-in mailbox acts as admin or as admin of its domain
   * (auth/MailboxRoles).
   */
  @Column(nullable = false)
  public boolean admin;

  @Column(name = "domain_admin", nullable = false)
  public boolean domainAdmin;

  @Version public long version;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;

  public static Mailbox findByAddress(String address) {
    return find("address", address).firstResult();
  }
}
