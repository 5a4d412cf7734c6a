package io.mailplane.tls;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** An account at an ACME CA: its key (encrypted) and URL, reused by every order of that issuer. */
@Entity
@Table(name = "acme_account")
public class AcmeAccount extends PanacheEntityBase {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "identity_hash", columnDefinition = "char(64)")
  public String identityHash;

  @Column(name = "directory_url")
  public String directoryUrl;

  @Column(name = "contact_email")
  public String contactEmail;

  @Column(name = "eab_kid")
  public String eabKid;

  @Column(name = "key_pair_enc")
  public String keyPairEnc;

  @Column(name = "account_url")
  public String accountUrl;

  @Column(name = "created_at")
  public Instant createdAt;

  @Column(name = "updated_at")
  public Instant updatedAt;
}
