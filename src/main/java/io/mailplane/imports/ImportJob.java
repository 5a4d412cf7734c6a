package io.mailplane.imports;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/** One import run; its per-object lines are {@link ImportItem}s. */
@Entity
@Table(name = "import_job")
public class ImportJob extends PanacheEntityBase {
  static final String PLAN = "plan";
  static final String RUNNING = "running";
  static final String DONE = "done";
  static final String FAILED = "failed";

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  /** plan (planning; a dry run stays here when finished), running, done, failed. */
  @Column(nullable = false)
  public String state;

  @Column(name = "dry_run", nullable = false)
  public boolean dryRun;

  /** The source URL without credentials (SeedSource.display). */
  @Column(nullable = false)
  public String source;

  @Column(name = "options_json", nullable = false)
  public String optionsJson;

  @Column(name = "created_by", nullable = false)
  public String createdBy;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  /** Advanced while the job works: a job whose heartbeat stopped was interrupted. */
  @Column(name = "heartbeat_at", nullable = false)
  public Instant heartbeatAt;

  @Column(name = "finished_at")
  public Instant finishedAt;

  @Column(name = "counts_json")
  public String countsJson;

  /** Why the whole job failed (the source went away, ...); per-object failures are items. */
  @Column public String failure;

  @Version public long version;
}
