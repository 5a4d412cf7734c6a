package io.mailplane.domains;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Query pieces the list endpoints of every feature share when they filter by domain or prefix. */
public final class DomainQueries {
  private DomainQueries() {}

  /**
   * Ids of the named domains, so lists of a domain-scoped caller filter on the indexed foreign key
   * rather than joining the domain table (which made MariaDB sort whole tables, bench/).
   */
  public static List<Long> idsOf(Set<String> names) {
    List<Long> ids =
        Domain.getEntityManager()
            .createQuery("select d.id from Domain d where d.name in :names", Long.class)
            .setParameter("names", names)
            .getResultList();
    return ids.isEmpty() ? List.of(-1L) : ids;
  }

  /** Escapes LIKE wildcards (with '!') so q is a literal prefix; keys are stored lowercase. */
  public static String likePrefix(String prefix) {
    return prefix.toLowerCase(Locale.ROOT).replace("!", "!!").replace("%", "!%").replace("_", "!_")
        + "%";
  }
}
