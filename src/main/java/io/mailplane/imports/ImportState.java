package io.mailplane.imports;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;

/**
 * An object as the last import left it: the seed's value then (theirs) and mailplane's value right
 * after (mine). The next run compares both with now, field by field: a field the seed changed and
 * mailplane did not is updated; one mailplane changed is kept.
 */
@Entity
@Table(name = "import_state")
public class ImportState extends PanacheEntityBase {
  @Embeddable
  public record Key(
      @Column(name = "kind", nullable = false) String kind,
      @Column(name = "key_hash", nullable = false, columnDefinition = "char(64)") String keyHash)
      implements Serializable {}

  @EmbeddedId public Key id;

  @Column(name = "object_key", nullable = false)
  public String objectKey;

  @Column(name = "seed_json", nullable = false)
  public String seedJson;

  @Column(name = "mine_json", nullable = false)
  public String mineJson;

  /** mailplane's version after the import, for write-only fields it cannot compare. */
  @Column(name = "mine_version")
  public Long mineVersion;

  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;
}
