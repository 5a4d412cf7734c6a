package io.mailplane.tls;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** One attempt to get a certificate, advanced a step at a time by {@link OrderWorker}. */
@Entity
@Table(name = "acme_order")
public class AcmeOrder extends PanacheEntityBase {
  /** Steps an order goes through; the job picks up orders in these states. */
  public static final String NEW = "new";

  public static final String PUBLISHING = "publishing";
  public static final String AWAITING_DNS = "awaiting-dns";
  public static final String VALIDATING = "validating";
  public static final String FINALIZING = "finalizing";
  public static final String VALID = "valid";
  public static final String FAILED = "failed";

  public static final Set<String> ACTIVE =
      Set.of(NEW, PUBLISHING, AWAITING_DNS, VALIDATING, FINALIZING);

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "certificate_id")
  public long certificateId;

  public String reason;

  public String status;

  public String domains;

  public String challenge;

  @Column(name = "key_type")
  public String keyType;

  @Column(name = "account_id")
  public Long accountId;

  @Column(name = "order_url")
  public String orderUrl;

  @Column(name = "key_pair_enc")
  public String keyPairEnc;

  @Column(name = "next_attempt_at")
  public Instant nextAttemptAt;

  public int attempts;

  /** JSON array of {@link OrderStepDto}. */
  public String timeline;

  /** Problem document (JSON) of the failure. */
  public String error;

  @Column(name = "created_at")
  public Instant createdAt;

  @Column(name = "updated_at")
  public Instant updatedAt;

  @Column(name = "finished_at")
  public Instant finishedAt;

  @Version public long version;

  public List<String> domainList() {
    return Arrays.asList(domains.split(","));
  }

  /** A forced renewal that asked for a new key ("forced-new-key"). */
  public boolean rotateKey() {
    return "forced-new-key".equals(reason);
  }

  public boolean active() {
    return ACTIVE.contains(status);
  }

  public static AcmeOrder activeOf(long certificateId) {
    return find("certificateId = ?1 and status in ?2 order by id desc", certificateId, ACTIVE)
        .firstResult();
  }
}
