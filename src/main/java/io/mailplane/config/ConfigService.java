package io.mailplane.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailplane.api.ApiException;
import io.mailplane.api.Precondition;
import io.mailplane.api.Problem;
import io.mailplane.api.ProblemKind;
import io.mailplane.auth.Caller;
import io.mailplane.common.InvalidValueException;
import io.mailplane.events.Resource;
import io.mailplane.events.Revisions;
import io.quarkus.arc.All;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Export, plan and apply of the whole desired state.
 *
 * <p>Plan and apply are one code path: the document is applied through the features' own services
 * inside one transaction, the objects it names (and those prune deletes) are read before and after,
 * and the difference is the plan. A plan then rolls back; an apply commits. Nothing else is read,
 * so the cost follows the document, not the installation; prune finds what a section leaves out by
 * pages of keys only. So a plan can never disagree with what apply does, and both reject exactly
 * the documents the single-object API would reject. Any failure rolls the whole transaction back:
 * nothing of an invalid document is applied.
 */
@ApplicationScoped
public class ConfigService {
  private static final Logger LOG = Logger.getLogger(ConfigService.class);

  /** Keys per page of the prune scan. */
  private static final int KEY_PAGE = 1000;

  @Inject @All List<ConfigSection<?>> sections;
  @Inject Caller caller;
  @Inject Revisions revisions;
  @Inject ObjectMapper json;
  @Inject PlaintextPasswords passwords;
  @Inject ConfigApiConfig config;
  @Inject EntityManager em;
  @Inject PlannerStatistics statistics;

  /** Fixed at build time (-Dmailplane.db), like the dialect. */
  @ConfigProperty(name = "quarkus.datasource.db-kind")
  String dbKind;

  /** An exported document, read whole, and the revision it shows. */
  public record Export(long revision, Map<String, List<?>> document) {}

  /** Receives an export as it is read: the revision, then the sections, read as they iterate. */
  @FunctionalInterface
  public interface ExportWriter {
    void write(long revision, Map<String, Iterable<?>> document) throws IOException;
  }

  /** A result whose revision, for an apply, is known once the transaction has committed. */
  public record Outcome(ConfigPlan plan, AtomicLong revision) {
    public ConfigPlan result() {
      return new ConfigPlan(
          revision.get(), plan.dryRun(), plan.prune(), plan.summary(), plan.changes());
    }
  }

  /**
   * Streams the export in the caller's scope to the writer, in a transaction of its own that lasts
   * as long as the writing: the revision and every page are one snapshot (see {@link
   * #snapshotRevision}). Only pages are held, the persistence context is emptied before each. The
   * transaction is rolled back at the end, whatever happened: it only read, and a writer that
   * failed (the client went away, the database broke off) must leave no transaction on this worker
   * thread and no connection out of the pool.
   */
  public void export(ExportWriter writer) throws IOException {
    int seconds =
        (int) Math.min(Integer.MAX_VALUE, Math.max(1, config.exportTimeout().toSeconds()));
    QuarkusTransaction.begin(QuarkusTransaction.beginOptions().timeout(seconds));
    try {
      writer.write(snapshotRevision(), document());
    } catch (IOException | RuntimeException | Error e) {
      try {
        QuarkusTransaction.rollback();
      } catch (RuntimeException rollback) {
        e.addSuppressed(rollback);
      }
      throw e;
    }
    QuarkusTransaction.rollback();
  }

  /**
   * The export read whole, in the caller's transaction: for the seed import, which compares it with
   * the seed's rows in memory anyway.
   */
  @Transactional
  public Export export() {
    long revision = snapshotRevision();
    Map<String, List<?>> document = new LinkedHashMap<>();
    document()
        .forEach(
            (name, entries) -> {
              List<Object> list = new ArrayList<>();
              entries.forEach(list::add);
              document.put(name, list);
            });
    return new Export(revision, document);
  }

  /**
   * The revision, read first in the export's transaction, so that it and the objects are one
   * snapshot. MariaDB's default REPEATABLE READ gives that (InnoDB's first consistent read fixes
   * it). PostgreSQL's default READ COMMITTED takes a new snapshot per statement, so a change
   * committed between reading the revision and reading the mailboxes would show under the older
   * revision: there this transaction asks for REPEATABLE READ (read-only, so it can never be the
   * one aborted by a conflict) before its first read, which then fixes its snapshot.
   */
  private long snapshotRevision() {
    if ("postgresql".equals(dbKind)) {
      em.createNativeQuery("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
          .executeUpdate();
    }
    return revisions.current(caller.visibleDomains());
  }

  /** The caller's configuration revision now, for an If-Match checked before a job starts. */
  public long revision() {
    return QuarkusTransaction.requiringNew().call(() -> revisions.current(caller.visibleDomains()));
  }

  /**
   * Plans (dryRun) or applies a document. The slow, lock-free work happens first: parsing the keys
   * and hashing plaintext passwords. Then one {@link #transaction}.
   */
  public Outcome run(
      ConfigDocument document, boolean prune, boolean dryRun, Precondition condition) {
    return run(document, prune, dryRun, condition, true);
  }

  /**
   * As {@link #run(ConfigDocument, boolean, boolean, Precondition)}; with detailed false, the
   * plan's changes for objects created in batches carry no fields: they are counted, not read back
   * after the writes. For a job whose list of changes is already full: reading such a chunk back
   * would cost a good share of its writes and show nothing.
   */
  public Outcome run(
      ConfigDocument document,
      boolean prune,
      boolean dryRun,
      Precondition condition,
      boolean detailed) {
    Map<ConfigSection<?>, Map<String, ?>> desired = desired(document);
    if (condition.isConditional()) {
      // Cheap and early: a stale If-Match must not first cost every plaintext password's hash. The
      // check in the transaction below stays the one that counts.
      long revision =
          QuarkusTransaction.requiringNew().call(() -> revisions.current(caller.visibleDomains()));
      condition.check(revision);
    }
    desired.replaceAll(
        (section, entries) ->
            section instanceof MailboxSection ? passwords.resolve(mailboxes(entries)) : entries);
    int count = desired.values().stream().mapToInt(Map::size).sum();
    Outcome outcome =
        transaction(
            count, dryRun, () -> inTransaction(desired, prune, dryRun, condition, detailed));
    if (!dryRun) {
      statistics.created(outcome.plan().summary().create());
    }
    return outcome;
  }

  /**
   * Deletes objects of one section by key in a transaction of their own, through the feature's
   * service as {@link #run} does (audit, feed, outbox): how a job prunes what its document leaves
   * out, a chunk at a time. A key no longer there (or not visible) is skipped.
   */
  public Outcome delete(ConfigSection<?> section, List<String> keys) {
    return transaction(
        keys.size(),
        false,
        () -> {
          long revision = revisions.current(caller.visibleDomains());
          Map<String, ?> before = section.find(keys);
          em.clear();
          deleteEach(section, keys.stream().filter(before::containsKey).toList(), new Writes());
          em.flush();
          em.clear();
          Map<ConfigSection<?>, Set<String>> touched = Map.of(section, new TreeSet<>(keys));
          List<ConfigPlan.Change> changes =
              diff(touched, Map.of(section, before), Map.of(section, section.find(keys)), Map.of());
          AtomicLong committed = new AtomicLong(revision);
          revisions.onCommitted(committed::set);
          return new Outcome(
              new ConfigPlan(revision, false, true, summary(changes), List.copyOf(changes)),
              committed);
        });
  }

  /**
   * Runs the work in one transaction whose timeout grows with its entries; if it runs out, the
   * client gets a TRANSACTION_TIMEOUT problem and nothing is changed. A dry run rolls back.
   */
  private Outcome transaction(
      int count, boolean dryRun, java.util.function.Supplier<Outcome> work) {
    Duration timeout =
        config.transactionTimeout().plus(config.transactionTimeoutPerEntry().multipliedBy(count));
    int seconds = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toSeconds()));
    long started = System.nanoTime();
    QuarkusTransaction.begin(QuarkusTransaction.beginOptions().timeout(seconds));
    Outcome outcome;
    try {
      outcome = work.get();
    } catch (RuntimeException | Error e) {
      // Also on an Error: the transaction must never stay bound to this pooled worker thread.
      try {
        QuarkusTransaction.rollback();
      } catch (RuntimeException rollback) {
        e.addSuppressed(rollback);
      }
      if (e instanceof RuntimeException runtime) {
        throw timedOut(runtime, started, seconds);
      }
      throw e;
    }
    try {
      if (dryRun) {
        QuarkusTransaction.rollback();
      } else {
        QuarkusTransaction.commit();
      }
    } catch (RuntimeException e) {
      throw timedOut(e, started, seconds);
    }
    return outcome;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, ConfigDocument.MailboxEntry> mailboxes(Map<String, ?> entries) {
    return (Map<String, ConfigDocument.MailboxEntry>) entries;
  }

  /**
   * A failure after the deadline is the timeout's doing (the reaper rolled the transaction back
   * under the running statements, whatever they then threw): a problem the client can act on rather
   * than a 500. A refusal of the document itself stays what it is.
   */
  private static RuntimeException timedOut(RuntimeException e, long started, int seconds) {
    if (e instanceof ApiException || System.nanoTime() - started < seconds * 1_000_000_000L) {
      return e;
    }
    LOG.warnf("config document rolled back after its %d s timeout: %s", seconds, e.toString());
    return new ApiException(
        ProblemKind.TRANSACTION_TIMEOUT,
        "the document took longer than its transaction timeout of "
            + seconds
            + " s and was rolled back; nothing was changed. Split it, or raise"
            + " mailplane.config.transaction-timeout / transaction-timeout-per-entry");
  }

  private Outcome inTransaction(
      Map<ConfigSection<?>, Map<String, ?>> desired,
      boolean prune,
      boolean dryRun,
      Precondition condition,
      boolean detailed) {
    Optional<Set<String>> scope = caller.visibleDomains();
    long revision = revisions.current(scope);
    condition.check(revision);
    List<ConfigSection<?>> ordered = ordered();
    // What prune deletes, found first: key pages are cheapest while no entity is loaded (every
    // query first checks the loaded ones for changes to flush).
    Map<ConfigSection<?>, List<String>> missing = new LinkedHashMap<>();
    if (prune) {
      desired.forEach((section, wanted) -> missing.put(section, missing(section, wanted.keySet())));
    }
    // A deleted domain takes its DKIM key along, whether or not the document has that section.
    Set<String> goneDomains = new TreeSet<>();
    missing.forEach(
        (section, keys) -> {
          if (section.resourceType() == Resource.DOMAIN) {
            goneDomains.addAll(keys);
          }
        });
    // The plan's "before": the objects the document names and those its deletes remove.
    Map<ConfigSection<?>, Set<String>> touched = new LinkedHashMap<>();
    Map<ConfigSection<?>, Map<String, ?>> before = new LinkedHashMap<>();
    for (ConfigSection<?> section : ordered) {
      Map<String, ?> wanted = desired.get(section);
      Set<String> keys = new TreeSet<>();
      if (wanted != null) {
        keys.addAll(wanted.keySet());
        keys.addAll(missing.getOrDefault(section, List.of()));
      }
      if (!goneDomains.isEmpty() && section.resourceType() != Resource.DOMAIN) {
        keys.addAll(section.keysInDomains(goneDomains));
      }
      if (!keys.isEmpty()) {
        touched.put(section, keys);
        before.put(section, section.find(keys));
      }
    }
    // The entries are copies: the entities need not stay loaded (see Writes).
    em.clear();
    Writes writes = new Writes();
    for (int i = ordered.size() - 1; i >= 0; i--) {
      ConfigSection<?> section = ordered.get(i);
      deleteEach(section, missing.getOrDefault(section, List.of()), writes);
    }
    for (ConfigSection<?> section : ordered) {
      Map<String, ?> wanted = desired.get(section);
      if (wanted != null) {
        putAll(section, wanted, before.get(section), writes);
      }
    }
    Map<ConfigSection<?>, Set<String>> unread =
        detailed ? Map.of() : createdInBatches(desired, before);
    em.flush();
    em.clear();
    Map<ConfigSection<?>, Map<String, ?>> after = new LinkedHashMap<>();
    touched.forEach(
        (section, keys) -> {
          Set<String> skipped = unread.getOrDefault(section, Set.of());
          after.put(
              section,
              section.find(
                  skipped.isEmpty()
                      ? keys
                      : keys.stream().filter(key -> !skipped.contains(key)).toList()));
        });
    // Copies too: the commit need not check thousands of loaded entities for changes.
    em.clear();
    List<ConfigPlan.Change> changes = diff(touched, before, after, unread);
    ConfigPlan plan =
        new ConfigPlan(revision, dryRun, prune, summary(changes), List.copyOf(changes));
    AtomicLong committed = new AtomicLong(revision);
    if (dryRun) {
      return new Outcome(plan, committed);
    }
    if (condition.isConditional()) {
      // The check above ran on this transaction's snapshot; this one, under the revision lock,
      // sees every commit up to now, so no change made meanwhile can be overwritten unseen.
      long now = revisions.lockAndRead(scope);
      if (now != revision) {
        throw new ApiException(
            ProblemKind.PRECONDITION_FAILED,
            "the configuration changed while the document was applied (revision "
                + revision
                + " → "
                + now
                + "); plan again");
      }
    }
    revisions.onCommitted(committed::set);
    return new Outcome(plan, committed);
  }

  /**
   * Every query first checks each loaded entity for changes to flush, so a document's writes would
   * cost the square of its size: flush and forget the loaded entities every so often. The services
   * load what they change afresh for each object, and what the plan needs of the state before is a
   * copy.
   */
  private final class Writes {
    private static final int FLUSH_EVERY = 200;
    private int count;

    void done() {
      done(1);
    }

    void done(int objects) {
      int before = count;
      count += objects;
      if (count / FLUSH_EVERY != before / FLUSH_EVERY) {
        em.flush();
        em.clear();
      }
    }
  }

  private void deleteEach(ConfigSection<?> section, List<String> keys, Writes writes) {
    for (String key : keys) {
      at(
          section.name() + "[" + key + "]",
          () -> {
            section.delete(key);
            return null;
          });
      writes.done();
    }
  }

  /** Keys of the scope the document leaves out, by pages of keys in key order. */
  private List<String> missing(ConfigSection<?> section, Set<String> wanted) {
    List<String> missing = new ArrayList<>();
    String after = null;
    while (true) {
      List<String> page = section.keysAfter(after, KEY_PAGE);
      for (String key : page) {
        if (!wanted.contains(key)) {
          missing.add(key);
        }
      }
      if (page.size() < KEY_PAGE) {
        return missing;
      }
      after = page.get(page.size() - 1);
    }
  }

  /** The sections by rank: the order creates and updates run in (deletes run backwards). */
  List<ConfigSection<?>> ordered() {
    return sections.stream().sorted(Comparator.comparingInt(ConfigSection::rank)).toList();
  }

  /** The sections in document order, each read page by page as it is iterated. */
  private Map<String, Iterable<?>> document() {
    Map<String, Iterable<?>> document = new LinkedHashMap<>();
    for (ConfigSection<?> section : ordered()) {
      document.put(section.name(), pages(section));
    }
    return document;
  }

  private <T> Iterable<T> pages(ConfigSection<T> section) {
    int size = config.exportPageSize();
    return () ->
        new Iterator<>() {
          private Iterator<T> page = Collections.emptyIterator();
          private String after;
          private boolean last;

          @Override
          public boolean hasNext() {
            while (!page.hasNext() && !last) {
              // The previous page's entities are done with (entries are copies): forget them, or
              // every query would first flush-check them all.
              em.clear();
              ConfigSection.Page<T> next = section.exportPage(after, size);
              page = next.entries().iterator();
              after = next.next();
              last = after == null;
            }
            return page.hasNext();
          }

          @Override
          public T next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            return page.next();
          }
        };
  }

  /** Each present section's entries by normalized key; duplicates and bad keys are a 400. */
  private Map<ConfigSection<?>, Map<String, ?>> desired(ConfigDocument document) {
    Map<ConfigSection<?>, Map<String, ?>> desired = new LinkedHashMap<>();
    int total = 0;
    for (ConfigSection<?> section : ordered()) {
      Map<String, ?> entries = keyed(section, document);
      if (entries != null) {
        desired.put(section, entries);
        total += entries.size();
      }
    }
    if (total > config.maxEntries()) {
      throw new ApiException(
          ProblemKind.PAYLOAD_TOO_LARGE,
          "the document holds "
              + total
              + " entries; at most "
              + config.maxEntries()
              + " are accepted (mailplane.config.max-entries); send less, or send it to"
              + " config:apply with the header 'Prefer: respond-async', which runs it as a job of"
              + " up to "
              + config.jobMaxEntries()
              + " entries (mailplane.config.job-max-entries)");
    }
    return desired;
  }

  private <T> Map<String, T> keyed(ConfigSection<T> section, ConfigDocument document) {
    List<T> entries = section.entries(document);
    if (entries == null) {
      return null;
    }
    Map<String, T> keyed = new LinkedHashMap<>();
    Map<String, Integer> firstIndex = new TreeMap<>();
    for (int i = 0; i < entries.size(); i++) {
      T entry = entries.get(i);
      String key = keyOf(section, i, entry);
      Integer first = firstIndex.putIfAbsent(key, i);
      if (first != null) {
        throw duplicate(section, i, key, first);
      }
      check(section, i, key, entry);
      keyed.put(key, entry);
    }
    return keyed;
  }

  /**
   * The normalized key of a document's entry, or the 400 naming it: the first check of each entry,
   * then {@link #duplicate} and {@link #check} (a job's streamed validation runs them in the same
   * order).
   */
  static <T> String keyOf(ConfigSection<T> section, int index, T entry) {
    String path = section.name() + "[" + index + "]";
    if (entry == null) {
      throw ApiException.invalid(path, "must not be null");
    }
    return at(path, () -> section.key(entry));
  }

  /** The 400 for an entry whose key an earlier entry of its section already has. */
  static ApiException duplicate(ConfigSection<?> section, int index, String key, int first) {
    return ApiException.invalid(
        section.name() + "[" + index + "]",
        "'" + key + "' is already listed at " + section.name() + "[" + first + "]");
  }

  /**
   * A bad entry is refused before any work, wherever it is in the document; the answer names it by
   * key, as a failure in the transaction does, and by its JSON pointer in the document.
   */
  static <T> void check(ConfigSection<T> section, int index, String key, T entry) {
    try {
      at(
          section.name() + "[" + key + "]",
          () -> {
            section.check(key, entry);
            return null;
          });
    } catch (ApiException e) {
      throw new ApiException(
          e.kind(),
          "/" + section.name() + "/" + index + " is refused, " + e.getMessage(),
          e.errors(),
          e.headers());
    }
  }

  /**
   * The changes to existing objects one by one, then the new objects in chunks of the section's
   * {@link ConfigSection#createChunk} (a bulk load is mostly new objects, and a chunk costs a fixed
   * number of statements). Updates first: an update can remove what would make a new object invalid
   * (an alias edge a new alias would close a loop with), a new object never does that for an
   * update.
   */
  @SuppressWarnings("unchecked")
  private <T> void putAll(
      ConfigSection<T> section, Map<String, ?> wanted, Map<String, ?> current, Writes writes) {
    wanted.forEach(
        (key, entry) -> {
          Object now = current.get(key);
          if (now != null) {
            at(
                section.name() + "[" + key + "]",
                () -> {
                  section.put(key, (T) entry, (T) now);
                  return null;
                });
            writes.done();
          }
        });
    Map<String, T> chunk = new LinkedHashMap<>();
    for (Map.Entry<String, ?> entry : wanted.entrySet()) {
      if (!current.containsKey(entry.getKey())) {
        chunk.put(entry.getKey(), (T) entry.getValue());
        if (chunk.size() >= section.createChunk()) {
          create(section, chunk, writes);
          chunk.clear();
        }
      }
    }
    if (!chunk.isEmpty()) {
      create(section, chunk, writes);
    }
  }

  /**
   * A refused chunk of several names no entry, and changed nothing: putting its entries one by one
   * (as before there were chunks) fails at the entry to name, the same way. The whole document
   * rolls back either way.
   */
  private <T> void create(ConfigSection<T> section, Map<String, T> chunk, Writes writes) {
    if (chunk.size() == 1) {
      String key = chunk.keySet().iterator().next();
      at(
          section.name() + "[" + key + "]",
          () -> {
            section.createAll(chunk);
            return null;
          });
      writes.done();
      return;
    }
    try {
      section.createAll(chunk);
    } catch (ApiException | InvalidValueException refused) {
      chunk.forEach(
          (key, entry) ->
              at(
                  section.name() + "[" + key + "]",
                  () -> {
                    section.put(key, entry, null);
                    return null;
                  }));
      throw named(
          section.name(),
          refused instanceof InvalidValueException invalid
              ? ApiException.invalid(invalid)
              : (ApiException) refused);
    }
    writes.done(chunk.size());
  }

  /**
   * The keys the writes created through a section's own batch path: after they all went in, the
   * desired keys that had no object before. Only such a path is known to write exactly the objects
   * it was given (a batch that fails refuses them all, and the document rolls back), so the plan
   * may count them without reading them back.
   */
  private static Map<ConfigSection<?>, Set<String>> createdInBatches(
      Map<ConfigSection<?>, Map<String, ?>> desired, Map<ConfigSection<?>, Map<String, ?>> before) {
    Map<ConfigSection<?>, Set<String>> created = new HashMap<>();
    desired.forEach(
        (section, wanted) -> {
          if (section.createChunk() > 1) {
            Map<String, ?> existing = before.getOrDefault(section, Map.of());
            created.put(
                section,
                wanted.keySet().stream()
                    .filter(key -> !existing.containsKey(key))
                    .collect(Collectors.toSet()));
          }
        });
    return created;
  }

  /** Runs one object's step; its failure names the object, so a client can find it. */
  static <R> R at(String path, java.util.function.Supplier<R> step) {
    try {
      try {
        return step.get();
      } catch (InvalidValueException e) {
        throw ApiException.invalid(e);
      }
    } catch (ApiException e) {
      throw named(path, e);
    }
  }

  private static ApiException named(String path, ApiException e) {
    List<Problem.FieldError> errors =
        e.errors().isEmpty()
            ? List.of(new Problem.FieldError(path, e.getMessage()))
            : e.errors().stream()
                .map(
                    error ->
                        new Problem.FieldError(
                            error.field().startsWith(path)
                                ? error.field()
                                : path + "." + error.field(),
                            error.message()))
                .toList();
    String detail = e.getMessage().startsWith(path) ? e.getMessage() : path + ": " + e.getMessage();
    return new ApiException(e.kind(), detail, errors, e.headers());
  }

  /** The plan's changes; the unread keys are creates whose fields were not read back. */
  private List<ConfigPlan.Change> diff(
      Map<ConfigSection<?>, Set<String>> touched,
      Map<ConfigSection<?>, Map<String, ?>> before,
      Map<ConfigSection<?>, Map<String, ?>> after,
      Map<ConfigSection<?>, Set<String>> unread) {
    List<ConfigPlan.Change> changes = new ArrayList<>();
    touched.forEach(
        (section, keys) -> {
          Set<String> created = unread.getOrDefault(section, Set.of());
          for (String key : keys) {
            if (created.contains(key)) {
              changes.add(
                  new ConfigPlan.Change(
                      section.resourceType().wireName(), section.name(), key, "create", List.of()));
              continue;
            }
            Object old = before.get(section).get(key);
            Object now = after.get(section).get(key);
            if (Objects.equals(old, now)) {
              continue;
            }
            ObjectNode a = old == null ? null : json.valueToTree(old);
            ObjectNode b = now == null ? null : json.valueToTree(now);
            List<ConfigPlan.FieldChange> fields = new ArrayList<>();
            fieldChanges("", a, b, fields);
            if (a == null || b == null || !fields.isEmpty()) {
              String action = a == null ? "create" : b == null ? "delete" : "update";
              changes.add(
                  new ConfigPlan.Change(
                      section.resourceType().wireName(), section.name(), key, action, fields));
            }
          }
        });
    return changes;
  }

  /** Field-level differences; nested objects (limits) by dotted path, lists as a whole. */
  private static void fieldChanges(
      String prefix, ObjectNode before, ObjectNode after, List<ConfigPlan.FieldChange> out) {
    Set<String> names = new java.util.LinkedHashSet<>();
    if (before != null) {
      before.fieldNames().forEachRemaining(names::add);
    }
    if (after != null) {
      after.fieldNames().forEachRemaining(names::add);
    }
    for (String name : names) {
      JsonNode a = before == null ? null : nonNull(before.get(name));
      JsonNode b = after == null ? null : nonNull(after.get(name));
      if ((a == null || a.isObject()) && (b == null || b.isObject()) && (a != null || b != null)) {
        fieldChanges(prefix + name + ".", (ObjectNode) a, (ObjectNode) b, out);
      } else if (!Objects.equals(a, b)) {
        out.add(new ConfigPlan.FieldChange(prefix + name, a, b));
      }
    }
  }

  private static JsonNode nonNull(JsonNode node) {
    return node == null || node.isNull() ? null : node;
  }

  private static ConfigPlan.Summary summary(List<ConfigPlan.Change> changes) {
    int create = 0;
    int update = 0;
    int delete = 0;
    for (ConfigPlan.Change change : changes) {
      switch (change.action()) {
        case "create" -> create++;
        case "update" -> update++;
        default -> delete++;
      }
    }
    return new ConfigPlan.Summary(create, update, delete);
  }
}
