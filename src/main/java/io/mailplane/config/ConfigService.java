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
import io.mailplane.events.Revisions;
import io.quarkus.arc.All;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Export, plan and apply of the whole desired state.
 *
 * <p>Plan and apply are one code path: the document is applied through the features' own services
 * inside one transaction, the caller's state is exported before and after, and the difference is
 * the plan. A plan then rolls back; an apply commits. So a plan can never disagree with what apply
 * does, and both reject exactly the documents the single-object API would reject. Any failure rolls
 * the whole transaction back: nothing of an invalid document is applied.
 */
@ApplicationScoped
public class ConfigService {
  private static final Logger LOG = Logger.getLogger(ConfigService.class);

  @Inject @All List<ConfigSection<?>> sections;
  @Inject Caller caller;
  @Inject Revisions revisions;
  @Inject ObjectMapper json;
  @Inject PlaintextPasswords passwords;
  @Inject ConfigApiConfig config;
  @Inject EntityManager em;

  /** Fixed at build time (-Dmailplane.db), like the dialect. */
  @ConfigProperty(name = "quarkus.datasource.db-kind")
  String dbKind;

  /** An exported document and the revision it shows. */
  public record Export(long revision, Map<String, List<?>> document) {}

  /** A result whose revision, for an apply, is known once the transaction has committed. */
  public record Outcome(ConfigPlan plan, AtomicLong revision) {
    public ConfigPlan result() {
      return new ConfigPlan(
          revision.get(), plan.dryRun(), plan.prune(), plan.summary(), plan.changes());
    }
  }

  /**
   * One transaction, so the revision and the objects are one snapshot. MariaDB's default REPEATABLE
   * READ gives that (InnoDB's first consistent read fixes it). PostgreSQL's default READ COMMITTED
   * takes a new snapshot per statement, so a change committed between reading the revision and
   * reading the mailboxes would show under the older revision: there this transaction asks for
   * REPEATABLE READ (read-only, so it can never be the one aborted by a conflict) before its first
   * read, which then fixes its snapshot.
   */
  @Transactional
  public Export export() {
    if ("postgresql".equals(dbKind)) {
      em.createNativeQuery("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
          .executeUpdate();
    }
    long revision = revisions.current(caller.visibleDomains());
    return new Export(revision, exportAll());
  }

  /**
   * Plans (dryRun) or applies a document. The slow, lock-free work happens first: parsing the keys
   * and hashing plaintext passwords. Then one transaction whose timeout grows with the document; if
   * it runs out, the client gets a TRANSACTION_TIMEOUT problem and nothing is changed.
   */
  public Outcome run(
      ConfigDocument document, boolean prune, boolean dryRun, Precondition condition) {
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
    Duration timeout =
        config.transactionTimeout().plus(config.transactionTimeoutPerEntry().multipliedBy(count));
    int seconds = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toSeconds()));
    long started = System.nanoTime();
    QuarkusTransaction.begin(QuarkusTransaction.beginOptions().timeout(seconds));
    Outcome outcome;
    try {
      outcome = inTransaction(desired, prune, dryRun, condition);
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
      Precondition condition) {
    Optional<Set<String>> scope = caller.visibleDomains();
    long revision = revisions.current(scope);
    condition.check(revision);
    Map<String, List<?>> before = exportAll();
    List<ConfigSection<?>> ordered = ordered();
    if (prune) {
      for (int i = ordered.size() - 1; i >= 0; i--) {
        ConfigSection<?> section = ordered.get(i);
        Map<String, ?> wanted = desired.get(section);
        if (wanted != null) {
          deleteMissing(section, wanted.keySet(), before.get(section.name()));
        }
      }
    }
    for (ConfigSection<?> section : ordered) {
      Map<String, ?> wanted = desired.get(section);
      if (wanted != null) {
        putAll(section, wanted, before.get(section.name()));
      }
    }
    Map<String, List<?>> after = exportAll();
    List<ConfigPlan.Change> changes = diff(before, after);
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

  private List<ConfigSection<?>> ordered() {
    return sections.stream().sorted(Comparator.comparingInt(ConfigSection::rank)).toList();
  }

  private Map<String, List<?>> exportAll() {
    Map<String, List<?>> document = new LinkedHashMap<>();
    for (ConfigSection<?> section : ordered()) {
      document.put(section.name(), section.export());
    }
    return document;
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
              + " are accepted (mailplane.config.max-entries)");
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
      String path = section.name() + "[" + i + "]";
      T entry = entries.get(i);
      if (entry == null) {
        throw ApiException.invalid(path, "must not be null");
      }
      String key = at(path, () -> section.key(entry));
      Integer first = firstIndex.putIfAbsent(key, i);
      if (first != null) {
        throw ApiException.invalid(
            path, "'" + key + "' is already listed at " + section.name() + "[" + first + "]");
      }
      keyed.put(key, entry);
    }
    return keyed;
  }

  private <T> void deleteMissing(ConfigSection<T> section, Set<String> wanted, List<?> current) {
    for (Object entry : current) {
      @SuppressWarnings("unchecked")
      String key = section.key((T) entry);
      if (!wanted.contains(key)) {
        at(
            section.name() + "[" + key + "]",
            () -> {
              section.delete(key);
              return null;
            });
      }
    }
  }

  @SuppressWarnings("unchecked")
  private <T> void putAll(ConfigSection<T> section, Map<String, ?> wanted, List<?> current) {
    Map<String, T> byKey = new TreeMap<>();
    for (Object entry : current) {
      byKey.put(section.key((T) entry), (T) entry);
    }
    wanted.forEach(
        (key, entry) ->
            at(
                section.name() + "[" + key + "]",
                () -> {
                  section.put(key, (T) entry, byKey.get(key));
                  return null;
                }));
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
      String detail =
          e.getMessage().startsWith(path) ? e.getMessage() : path + ": " + e.getMessage();
      throw new ApiException(e.kind(), detail, errors, e.headers());
    }
  }

  private List<ConfigPlan.Change> diff(Map<String, List<?>> before, Map<String, List<?>> after) {
    List<ConfigPlan.Change> changes = new ArrayList<>();
    for (ConfigSection<?> section : ordered()) {
      Map<String, ObjectNode> old = byKey(section, before.get(section.name()));
      Map<String, ObjectNode> now = byKey(section, after.get(section.name()));
      Set<String> keys = new TreeSet<>(old.keySet());
      keys.addAll(now.keySet());
      for (String key : keys) {
        ObjectNode a = old.get(key);
        ObjectNode b = now.get(key);
        List<ConfigPlan.FieldChange> fields = new ArrayList<>();
        fieldChanges("", a, b, fields);
        if (a == null || b == null || !fields.isEmpty()) {
          String action = a == null ? "create" : b == null ? "delete" : "update";
          changes.add(
              new ConfigPlan.Change(
                  section.resourceType().wireName(), section.name(), key, action, fields));
        }
      }
    }
    return changes;
  }

  @SuppressWarnings("unchecked")
  private <T> Map<String, ObjectNode> byKey(ConfigSection<T> section, List<?> entries) {
    Map<String, ObjectNode> byKey = new TreeMap<>();
    for (Object entry : entries) {
      byKey.put(section.key((T) entry), json.valueToTree(entry));
    }
    return byKey;
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
