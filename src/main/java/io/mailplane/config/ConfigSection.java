package io.mailplane.config;

import io.mailplane.events.Resource;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * One kind of object in the configuration document. Implementations are CDI beans; {@link
 * ConfigService} finds them all and runs them by {@link #rank()}: deletes from the highest rank
 * down, creates and updates from the lowest up, so that what an object depends on exists first and
 * is removed last.
 *
 * <p>Every write goes through the feature's own service (validation, scope checks, audit, outbox):
 * a section only translates entries to that service's requests.
 */
public interface ConfigSection<T> {
  /** Name of the section in the document, e.g. "mailboxes". */
  String name();

  /** The resource its entries are (the audit/feed resource type). */
  Resource resourceType();

  /** Dependency order: a kind that refers to another has a higher rank. */
  int rank();

  /** This section's entries in a document, or null when the document does not manage it. */
  List<T> entries(ConfigDocument document);

  /** The normalized key of an entry (the resource's natural key); a bad key is a 400. */
  String key(T entry);

  /**
   * Current state in the caller's scope, sorted by key: the entries after the given key (null: from
   * the first), at most limit of them. An export reads a section page by page, so that a million
   * objects never sit in memory at once.
   */
  Page<T> exportPage(String after, int limit);

  /**
   * Entries in key order, and the key to read the next page after (null when this page was the
   * last).
   */
  record Page<T>(List<T> entries, String next) {}

  /**
   * Current state of the objects with these (normalized) keys in the caller's scope, by key; a
   * missing or invisible one is absent. What a plan reads: its cost follows the document, not the
   * installation.
   */
  Map<String, T> find(Collection<String> keys);

  /**
   * Up to limit keys of the caller's scope after the given one (null: from the first), ascending:
   * how prune finds what a document leaves out without reading whole objects.
   */
  List<String> keysAfter(String after, int limit);

  /**
   * Keys in the caller's scope of the objects in these domains: what a domain delete takes with it
   * (DKIM keys go with their domain), so that the plan shows them.
   */
  List<String> keysInDomains(Collection<String> domains);

  /**
   * Checks the entry as far as it can be without the database (the Bean Validation of the request
   * it becomes), so that a bad entry anywhere in a large document is refused before any work.
   */
  void check(String key, T entry);

  /**
   * Makes the object match the entry (which passed {@link #check}): creates it (current null) or
   * updates it. Does nothing when the entry, with defaults applied, equals the current state, so
   * that an unchanged object never needs a permission its caller may lack (a domain token cannot
   * write its domain).
   */
  void put(String key, T desired, T current);

  /** {@link #createChunk} of the sections that write new objects in batches. */
  int BATCH = 1000;

  /**
   * How many new objects {@link #createAll} takes at once. 1 (the default): each new object goes
   * through {@link #put} on its own. A section whose service writes many new objects with a fixed
   * number of statements (a bulk load's mailboxes and aliases) says how many per call.
   */
  default int createChunk() {
    return 1;
  }

  /**
   * Creates objects that do not exist yet (each entry passed {@link #check}), as {@link #put} with
   * no current state creates each, at most {@link #createChunk} at once. A refusal refuses them all
   * and, when it holds more than one, changes nothing: {@link ConfigService} then finds the entry
   * to name by putting them one by one.
   */
  default void createAll(Map<String, T> entries) {
    entries.forEach((key, entry) -> put(key, entry, null));
  }

  /** Deletes the object (it exists and is visible). */
  void delete(String key);
}
