package io.mailplane.imports;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One object (or one seed row that cannot be taken) of an import run, and what became of it. */
@Entity
@Table(name = "import_item")
public class ImportItem extends PanacheEntityBase {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "job_id", nullable = false)
  public long jobId;

  @Column(nullable = false)
  public String kind;

  @Column(name = "object_key", nullable = false)
  public String objectKey;

  /** e.g. mail_users#12: the seed row(s) it comes from. */
  @Column(name = "seed_row")
  public String seedRow;

  @Column(nullable = false)
  public String action;

  @Column(nullable = false)
  public String outcome;

  @Column public String reason;

  @Column(name = "fields_json")
  public String fieldsJson;

  @Column(name = "problem_json")
  public String problemJson;
}
