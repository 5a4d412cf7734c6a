package io.mailplane.fetchmail;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "fetchmail_run")
public class FetchmailRun extends PanacheEntityBase {
  public static final String QUEUED = "queued";
  public static final String RUNNING = "running";
  public static final String FINISHED = "finished";

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "account_id", nullable = false)
  public long accountId;

  /** The account id while queued or running, null when finished (unique: no overlap). */
  @Column(name = "active_account_id")
  public Long activeAccountId;

  /** schedule or manual. */
  @Column(name = "trigger_kind", nullable = false)
  public String trigger;

  @Column(nullable = false)
  public String status;

  @Column public String outcome;

  @Column(name = "exit_code")
  public Integer exitCode;

  @Column public Integer messages;

  /** The Quartz scheduler instance that ran it. */
  @Column public String instance;

  @Column(name = "queued_at", nullable = false)
  public Instant queuedAt;

  @Column(name = "started_at")
  public Instant startedAt;

  @Column(name = "finished_at")
  public Instant finishedAt;

  @Column(name = "log_tail")
  public String logTail;
}
