package io.mailplane.mailboxes;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A mailbox signed in with its mail password: the hash of the bearer secret it was given. */
@Entity
@Table(name = "mailbox_session")
public class MailboxSession extends PanacheEntityBase {
  /**
   * SHA-256 of the secret, hex; the secret itself is never stored. The portable migration declares
   * CHAR(64), which PostgreSQL reports as bpchar: the CHAR type code lets Hibernate's validation
   * accept it there as on MariaDB and H2 (a String field alone expects VARCHAR).
   */
  @Id
  @JdbcTypeCode(SqlTypes.CHAR)
  @Column(name = "token_hash", nullable = false, columnDefinition = "char(64)")
  public String tokenHash;

  @ManyToOne(fetch = FetchType.LAZY, optional = false)
  @JoinColumn(name = "mailbox_id", nullable = false)
  public Mailbox mailbox;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "expires_at", nullable = false)
  public Instant expiresAt;
}
