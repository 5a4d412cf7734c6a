package io.mailplane.tls;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;

/**
 * A challenge of a live order. HTTP-01 tokens live in the database so that whichever replica the CA
 * reaches can answer; DNS-01 rows remember which records to delete afterwards.
 */
@Entity
@Table(name = "acme_challenge")
public class AcmeChallenge extends PanacheEntityBase {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "order_id")
  public long orderId;

  public String type;

  public String domain;

  @Column(name = "challenge_url")
  public String challengeUrl;

  public String token;

  @Column(name = "key_authorization")
  public String keyAuthorization;

  @Column(name = "dns_name")
  public String dnsName;

  @Column(name = "dns_value")
  public String dnsValue;

  @Column(name = "created_at")
  public Instant createdAt;

  public static List<AcmeChallenge> ofOrder(long orderId) {
    return list("orderId", orderId);
  }
}
