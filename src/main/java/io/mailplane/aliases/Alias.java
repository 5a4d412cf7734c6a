package io.mailplane.aliases;

import io.mailplane.domains.Domain;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.OrderColumn;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

@Entity
@Table(name = "alias")
public class Alias extends PanacheEntityBase {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @ManyToOne(fetch = FetchType.LAZY, optional = false)
  @JoinColumn(name = "domain_id", nullable = false)
  public Domain domain;

  /** Empty for the domain's catch-all. */
  @Column(name = "local_part", nullable = false)
  public String localPart;

  /** local@domain, or @domain for the catch-all: the key Postfix looks up. */
  @Column(nullable = false)
  public String address;

  public String description;

  @Column(nullable = false)
  public boolean enabled;

  @ElementCollection(fetch = FetchType.EAGER)
  @CollectionTable(name = "alias_destination", joinColumns = @JoinColumn(name = "alias_id"))
  @OrderColumn(name = "position")
  @Column(name = "destination", nullable = false)
  public List<String> destinations = new ArrayList<>();

  @Version public long version;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;

  public static Alias findByAddress(String address) {
    return find("address", address).firstResult();
  }

  /** Bulk delete; the database cascades to alias_destination. */
  public static int deleteAllOfDomain(Domain domain) {
    return getEntityManager()
        .createNativeQuery("DELETE FROM alias WHERE domain_id = ?1")
        .setParameter(1, domain.id)
        .executeUpdate();
  }
}
