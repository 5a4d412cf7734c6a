package io.mailplane.fetchmail;

import io.mailplane.mailboxes.Mailbox;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Basic;
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
@Table(name = "fetchmail_account")
public class FetchmailAccount extends PanacheEntityBase {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  /** The local mailbox the fetched mail is delivered to. */
  @ManyToOne(fetch = FetchType.LAZY, optional = false)
  @JoinColumn(name = "mailbox_id", nullable = false)
  public Mailbox mailbox;

  @Column(nullable = false)
  public String host;

  @Column(nullable = false)
  public int port;

  /** imap or pop3. */
  @Column(nullable = false)
  public String protocol;

  @Column(nullable = false)
  public String username;

  /** SecretCipher ciphertext, context {@link #passwordContext(long)}. */
  @Column(name = "password_enc", nullable = false)
  public String passwordEnc;

  /** none, starttls or tls. */
  @Column(name = "tls_mode", nullable = false)
  public String tlsMode;

  @Column(name = "verify_certificate", nullable = false)
  public boolean verifyCertificate;

  /** IMAP folders, one per line (validated: no line breaks inside a name); null = INBOX. */
  @Column(name = "folders")
  public String folders;

  @Column(name = "keep_mail", nullable = false)
  public boolean keep;

  @Column(name = "fetch_all", nullable = false)
  public boolean fetchAll;

  @Column(name = "interval_seconds", nullable = false)
  public int intervalSeconds;

  @Column(nullable = false)
  public boolean enabled;

  @Column(name = "disabled_reason")
  public String disabledReason;

  @Column(name = "consecutive_failures", nullable = false)
  public int consecutiveFailures;

  @Column(name = "consecutive_auth_failures", nullable = false)
  public int consecutiveAuthFailures;

  @Column(name = "last_run_id")
  public Long lastRunId;

  /**
   * fetchmail's id file (UIDs already seen), carried from run to run across replicas. Lazy: with
   * `keep` it grows with the remote mailbox (tens of KB), and only a run reads it, not a list page.
   */
  @Basic(fetch = FetchType.LAZY)
  @Column(name = "id_state", columnDefinition = "LONGTEXT")
  public String idState;

  @Version public long version;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;

  /**
   * The ciphertext is bound to its row: copied into another account it does not decrypt. The id is
   * known only after the insert, so a new account is encrypted after persist+flush.
   */
  static String passwordContext(long id) {
    return "fetchmail:" + id;
  }
}
