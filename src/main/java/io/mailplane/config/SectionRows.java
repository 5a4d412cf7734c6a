package io.mailplane.config;

import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;
import jakarta.persistence.TypedQuery;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.hibernate.jpa.HibernateHints;

/**
 * The queries a section needs to plan a document at the cost of what the document names (the rows
 * of given keys, and pages of keys only, for prune) and to export it page by page, each confined to
 * the caller's scope: all rows for an unscoped caller ({@code visible} empty), none for a token
 * that sees no domain, else those of the visible domains.
 *
 * @param select the row query up to its WHERE, fetching what the entry needs (e.g. "select a from
 *     Alias a left join fetch a.destinations")
 * @param from the entity and its variable, for key pages ("Alias a")
 * @param key the key's path ("a.address"), a unique, indexed column
 * @param domain the path of the name of the domain an object belongs to ("a.domain.name")
 * @param filter a condition every row meets (or null), e.g. only active DKIM keys
 * @param scope the condition on :scope that confines rows to the visible domains
 * @param scopeValue turns the visible domain names into the :scope parameter
 */
record SectionRows<R>(
    Class<R> type,
    String select,
    String from,
    String key,
    String domain,
    String filter,
    String scope,
    Function<Set<String>, ?> scopeValue) {

  /** At most this many keys in one IN list. */
  static final int CHUNK = 500;

  /**
   * The rows of these keys in scope; missing (or invisible) keys have none. Read-only, and without
   * flushing first: the caller has flushed its writes, and each later page would otherwise check
   * every row of the earlier ones for changes.
   */
  List<R> byKeys(EntityManager em, Optional<Set<String>> visible, Collection<String> keys) {
    List<R> rows = new ArrayList<>();
    if (keys.isEmpty() || visible.map(Set::isEmpty).orElse(false)) {
      return rows;
    }
    Object scoped = visible.map(scopeValue).orElse(null);
    List<String> all = List.copyOf(keys);
    for (int i = 0; i < all.size(); i += CHUNK) {
      TypedQuery<R> query =
          em.createQuery(
              select + " where " + key + " in :keys" + conditions(visible.isPresent()), type);
      query.setParameter("keys", all.subList(i, Math.min(all.size(), i + CHUNK)));
      query.setFlushMode(FlushModeType.COMMIT);
      query.setHint(HibernateHints.HINT_READ_ONLY, true);
      if (scoped != null) {
        query.setParameter("scope", scoped);
      }
      rows.addAll(query.getResultList());
    }
    return rows;
  }

  /**
   * An export page: up to limit rows in scope after the given key, in key order, as entries. The
   * keys come first and then their rows, by IN lists in key order: a fetch join of a collection (an
   * alias's destinations) cannot be limited in SQL, and Hibernate would page it in memory.
   */
  <T> ConfigSection.Page<T> page(
      EntityManager em,
      Optional<Set<String>> visible,
      String after,
      int limit,
      Function<R, T> entry) {
    List<String> keys = keysAfter(em, visible, after, limit);
    List<T> entries = new ArrayList<>(keys.size());
    Object scoped = visible.map(scopeValue).orElse(null);
    for (int i = 0; i < keys.size(); i += CHUNK) {
      TypedQuery<R> query =
          em.createQuery(
              select
                  + " where "
                  + key
                  + " in :keys"
                  + conditions(visible.isPresent())
                  + " order by "
                  + key,
              type);
      query.setParameter("keys", keys.subList(i, Math.min(keys.size(), i + CHUNK)));
      if (scoped != null) {
        query.setParameter("scope", scoped);
      }
      for (R row : query.getResultList()) {
        entries.add(entry.apply(row));
      }
    }
    return new ConfigSection.Page<>(
        entries, keys.size() < limit ? null : keys.get(keys.size() - 1));
  }

  /** Up to limit keys in scope after the given one (null: from the first), ascending. */
  List<String> keysAfter(EntityManager em, Optional<Set<String>> visible, String after, int limit) {
    if (visible.map(Set::isEmpty).orElse(false)) {
      return List.of();
    }
    String where = after == null ? "1 = 1" : key + " > :after";
    TypedQuery<String> query =
        em.createQuery(
                "select "
                    + key
                    + " from "
                    + from
                    + " where "
                    + where
                    + conditions(visible.isPresent())
                    + " order by "
                    + key,
                String.class)
            .setMaxResults(limit);
    if (after != null) {
      query.setParameter("after", after);
    }
    visible.ifPresent(names -> query.setParameter("scope", scopeValue.apply(names)));
    return query.getResultList();
  }

  /** The keys in scope of the objects in these domains. */
  List<String> keysInDomains(
      EntityManager em, Optional<Set<String>> visible, Collection<String> domains) {
    if (domains.isEmpty() || visible.map(Set::isEmpty).orElse(false)) {
      return List.of();
    }
    TypedQuery<String> query =
        em.createQuery(
            "select "
                + key
                + " from "
                + from
                + " where "
                + domain
                + " in :domains"
                + conditions(visible.isPresent()),
            String.class);
    query.setParameter("domains", domains);
    visible.ifPresent(names -> query.setParameter("scope", scopeValue.apply(names)));
    return query.getResultList();
  }

  private String conditions(boolean scoped) {
    return (filter == null ? "" : " and " + filter) + (scoped ? " and " + scope : "");
  }
}
