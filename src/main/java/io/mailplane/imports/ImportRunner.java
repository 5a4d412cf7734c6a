package io.mailplane.imports;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailplane.aliases.AliasDto;
import io.mailplane.aliases.AliasService;
import io.mailplane.api.ApiException;
import io.mailplane.api.PageRequest;
import io.mailplane.api.Precondition;
import io.mailplane.api.Problem;
import io.mailplane.api.ProblemKind;
import io.mailplane.api.Timestamps;
import io.mailplane.auth.Caller;
import io.mailplane.common.InvalidValueException;
import io.mailplane.common.MailAddress;
import io.mailplane.config.ConfigDocument;
import io.mailplane.config.ConfigService;
import io.mailplane.config.PlannerStatistics;
import io.mailplane.dkim.DkimDto;
import io.mailplane.dkim.DkimSelectorDto;
import io.mailplane.dkim.DkimService;
import io.mailplane.domains.DomainDto;
import io.mailplane.domains.DomainService;
import io.mailplane.fetchmail.FetchmailAccountDto;
import io.mailplane.fetchmail.FetchmailService;
import io.mailplane.mailboxes.MailboxDto;
import io.mailplane.mailboxes.MailboxService;
import io.mailplane.mailboxes.PasswordHasher;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Carries out one import job on a worker thread: reads the seed, plans, and (unless a dry run)
 * writes each object through the feature's service, so validation, audit, outbox and change feed
 * behave as for an API call, in chunks of one transaction each; a failure stops only that object
 * (its chunk is redone object by object). The object's 3-way state is written in the same
 * transaction: a run that stops anywhere resumes where it stopped when it is started again.
 */
@ApplicationScoped
class ImportRunner {
  private static final Logger LOG = Logger.getLogger(ImportRunner.class);
  private static final int BATCH = 500;

  /**
   * Objects written per transaction (bench/seed-import.sh). Large enough that commits stop
   * dominating, small enough that a rolled-back chunk costs little to redo object by object.
   */
  private static final int CHUNK = 200;

  private static final int CHUNK_TIMEOUT_SECONDS = 600;
  private static final SecureRandom RANDOM = new SecureRandom();

  @Inject Caller caller;
  @Inject ObjectMapper json;
  @Inject ConfigService config;
  @Inject PlannerStatistics statistics;
  @Inject DomainService domains;
  @Inject MailboxService mailboxes;
  @Inject AliasService aliases;
  @Inject DkimService dkim;
  @Inject FetchmailService fetchmail;
  @Inject PasswordHasher hasher;
  @Inject Validator validator;
  @Inject DataSource dataSource;

  @ActivateRequestContext
  void run(long jobId, SeedSource source, ImportRequest.Options options, String adminId) {
    caller.actForAdmin(adminId);
    try {
      SeedSnapshot seed;
      try (Connection connection = source.connect()) {
        source.requireSeedSchema(connection);
        seed = SeedSnapshot.read(source, connection);
      } catch (SQLException e) {
        throw ApiException.invalid("source", source.clean(e));
      }
      List<ImportPlan> plan =
          QuarkusTransaction.requiringNew()
              .timeout(3600)
              .call(() -> new ImportPlanner(json, options, current(), states()).plan(seed));
      ImportJob job = QuarkusTransaction.requiringNew().call(() -> ImportJob.findById(jobId));
      Map<String, Map<String, Integer>> counts = ImportPlanner.count(plan);
      if (job.dryRun) {
        for (int i = 0; i < plan.size(); i += BATCH) {
          List<ImportPlan> batch = plan.subList(i, Math.min(plan.size(), i + BATCH));
          QuarkusTransaction.requiringNew()
              .run(
                  () -> {
                    Bookkeeping books = new Bookkeeping(jobId);
                    for (ImportPlan p : batch) {
                      boolean skipped =
                          p.action().equals(ImportPlan.SKIP)
                              || p.action().equals(ImportPlan.GONE)
                              || p.action().equals(ImportPlan.KEPT_DELETED);
                      books.item(p, skipped ? "skipped" : "planned", null);
                    }
                    books.write();
                  });
          heartbeat(jobId, null, null);
        }
        finish(jobId, ImportJob.PLAN, counts, null);
        return;
      }
      heartbeat(jobId, ImportJob.RUNNING, counts);
      boolean failed = false;
      for (int i = 0; i < plan.size(); i += CHUNK) {
        List<ImportPlan> chunk = plan.subList(i, Math.min(plan.size(), i + CHUNK));
        failed |= !applyChunk(jobId, chunk, options, counts);
        heartbeat(jobId, null, counts);
      }
      finish(jobId, failed ? ImportJob.FAILED : ImportJob.DONE, counts, null);
    } catch (ApiException e) {
      finish(jobId, ImportJob.FAILED, null, e.getMessage());
    } catch (RuntimeException | Error e) {
      LOG.errorf(e, "import %d failed", jobId);
      finish(jobId, ImportJob.FAILED, null, "unexpected failure (see the server log): " + e);
    }
  }

  /**
   * A chunk of objects in one transaction: one commit (one log flush, one turn of the revision
   * lock) instead of one per object, and a fixed number of statements for the chunk's bookkeeping:
   * new mailboxes and aliases (most of an import) in one batch each ({@code createAll} of their
   * services: the same checks, DTOs, audit and outbox events as one by one), import states and
   * items in one batch each. Other objects still go one by one through their service. When any
   * object of the chunk fails, the whole chunk is rolled back and its objects are written again one
   * transaction each, so only the failing object fails, with its own problem.
   */
  private boolean applyChunk(
      long jobId,
      List<ImportPlan> chunk,
      ImportRequest.Options options,
      Map<String, Map<String, Integer>> counts) {
    List<String> outcomes;
    try {
      outcomes =
          QuarkusTransaction.requiringNew()
              .timeout(CHUNK_TIMEOUT_SECONDS)
              .call(() -> applyInTransaction(jobId, chunk, options));
    } catch (RuntimeException e) {
      boolean ok = true;
      for (ImportPlan p : chunk) {
        ok &= apply(jobId, p, options, counts);
      }
      return ok;
    }
    for (int i = 0; i < chunk.size(); i++) {
      count(counts, chunk.get(i), outcomes.get(i));
    }
    statistics.created(chunk.stream().filter(p -> p.action().equals(ImportPlan.CREATE)).count());
    return true;
  }

  /** One object in a transaction of its own; a failure is recorded as its item's problem. */
  private boolean apply(
      long jobId,
      ImportPlan p,
      ImportRequest.Options options,
      Map<String, Map<String, Integer>> counts) {
    String outcome;
    Problem problem = null;
    try {
      outcome =
          QuarkusTransaction.requiringNew()
              .call(() -> applyInTransaction(jobId, List.of(p), options))
              .get(0);
    } catch (RuntimeException e) {
      problem = problem(p, e);
      Problem failure = problem;
      QuarkusTransaction.requiringNew()
          .run(
              () -> {
                Bookkeeping failed = new Bookkeeping(jobId);
                failed.item(p, "failed", failure);
                failed.write();
              });
      outcome = "failed";
    }
    count(counts, p, outcome);
    return problem == null;
  }

  /** Writes the objects and their states (the caller's transaction) and records their items. */
  private List<String> applyInTransaction(
      long jobId, List<ImportPlan> plans, ImportRequest.Options options) {
    Bookkeeping books = new Bookkeeping(jobId);
    List<String> outcomes = new ArrayList<>(plans.size());
    for (ImportPlan p : plans) {
      if (p.writes()
          || p.action().equals(ImportPlan.CONFLICT)
          || p.action().equals(ImportPlan.UNCHANGED)) {
        if (p.writes()) {
          write(p, options, books);
        } else if (p.rebase()) {
          // Nothing to write, but the seed's value becomes the base of the next run.
          books.state(p, p.current(), p.currentVersion());
        }
        books.item(p, "done", null);
        outcomes.add("done");
      } else {
        books.item(p, "skipped", null);
        outcomes.add("skipped");
      }
    }
    books.write();
    return outcomes;
  }

  private static void count(
      Map<String, Map<String, Integer>> counts, ImportPlan p, String outcome) {
    counts.computeIfAbsent(p.kind(), k -> new TreeMap<>()).merge(outcome, 1, Integer::sum);
  }

  private void write(ImportPlan p, ImportRequest.Options options, Bookkeeping books) {
    boolean batched =
        p.action().equals(ImportPlan.CREATE)
            && (p.kind().equals(ImportPlan.MAILBOX) || p.kind().equals(ImportPlan.ALIAS));
    if (!batched) {
      // What comes next may need the new objects (a fetchmail account names its mailbox).
      books.createPending();
    }
    ObjectNode c = p.changes();
    boolean create = p.action().equals(ImportPlan.CREATE);
    ObjectNode mineAfter = p.current() == null ? json.createObjectNode() : p.current().deepCopy();
    Long version = null;
    switch (p.kind()) {
      case ImportPlan.DOMAIN ->
          domains.create(new DomainDto(p.key(), null, null, true, null, null, null, null));
      case ImportPlan.MAILBOX -> {
        ObjectNode request = c.deepCopy();
        if (request.has("passwordHash")) {
          String hash = request.get("passwordHash").asText();
          // The seed's empty password (option no-login): a random one nobody knows.
          request.put(
              "passwordHash", hash.isEmpty() ? hasher.hash(randomSecret(), "password") : hash);
        }
        mineAfter.setAll(c);
        if (request.has("passwordHash")) {
          mineAfter.set("passwordHash", request.get("passwordHash"));
        }
        if (create) {
          request.put("address", p.key());
          books.newMailbox(valid(convert(request, MailboxDto.class)));
        } else {
          mailboxes.patch(p.key(), request, Precondition.NONE);
        }
      }
      case ImportPlan.ALIAS -> {
        List<String> destinations;
        if (create) {
          ObjectNode request = c.deepCopy();
          request.put("address", p.key());
          AliasDto created = valid(convert(request, AliasDto.class));
          books.newAlias(created);
          // As the service stores them (createAll refuses what does not parse).
          destinations =
              created.destinations() == null
                  ? List.of()
                  : created.destinations().stream()
                      .map(d -> MailAddress.parse(d, "destinations", false).toString())
                      .distinct()
                      .toList();
        } else {
          destinations = aliases.patch(p.key(), c, Precondition.NONE).destinations();
        }
        mineAfter.set("destinations", json.valueToTree(destinations.stream().sorted().toList()));
      }
      case ImportPlan.DKIM -> {
        ObjectNode target = mineAfter.deepCopy();
        target.setAll(c);
        String selector = target.get("selector").asText();
        String pem = p.secrets().get("privateKey");
        boolean wasOn = p.current() != null && p.current().path("enabled").asBoolean();
        if (target.get("enabled").asBoolean()) {
          // Only a changed key is sent: switching on a kept key keeps it (and its DNS record).
          boolean newKey = create || c.has("publicKey") || c.has("selector");
          DkimDto request =
              new DkimDto(null, null, selector, null, null, newKey ? pem : null, null, null, null);
          DkimDto after = dkim.put(p.key(), valid(request), Precondition.NONE).value();
          mineAfter = dkimValues(after);
          version = after.version();
        } else {
          if (wasOn) {
            dkim.disable(p.key(), Precondition.NONE);
          }
          DkimSelectorDto kept = dkim.keepDisabled(p.key(), selector, pem);
          mineAfter = json.createObjectNode();
          mineAfter.put("selector", kept.selector());
          mineAfter.put("publicKey", kept.publicKey());
          mineAfter.put("enabled", false);
        }
      }
      case ImportPlan.FETCHMAIL -> {
        ObjectNode request = c.deepCopy();
        if (request.has("password")) {
          request.put("password", p.secrets().get("password"));
        }
        FetchmailAccountDto after;
        if (create) {
          String[] key = p.key().split("\\|", 3);
          request.put("mailbox", key[0]);
          request.put("host", key[1]);
          request.put("username", key[2]);
          request.put("enabled", options.enableFetchmail());
          after = fetchmail.create(valid(convert(request, FetchmailAccountDto.class)));
        } else {
          after = fetchmail.patch(p.currentId(), request, Precondition.NONE);
        }
        mineAfter = fetchmailValues(after);
        version = after.version();
      }
      default -> throw new IllegalStateException("unknown kind " + p.kind());
    }
    books.state(p, mineAfter, version);
    if (!batched) {
      // Later queries would otherwise flush-check every entity of the chunk.
      ImportItem.getEntityManager().flush();
      ImportItem.getEntityManager().clear();
    }
  }

  private static String randomSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  private <T> T convert(ObjectNode node, Class<T> type) {
    try {
      return json.treeToValue(node, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("import request for " + type.getSimpleName(), e);
    }
  }

  /** The constraints the REST layer checks with @Valid before a single-object write. */
  private <T> T valid(T request) {
    Set<ConstraintViolation<T>> violations = validator.validate(request);
    if (!violations.isEmpty()) {
      throw new ConstraintViolationException(violations);
    }
    return request;
  }

  /**
   * What a transaction of the import writes besides the objects: each object's import state (the
   * seed's value, secrets as salted hashes, and mailplane's right after, for the next run) and its
   * item, and the new mailboxes, which are created together. Written by {@link #write()} with one
   * existence query per kind and one batched statement per table.
   */
  private final class Bookkeeping {
    private final long jobId;
    private final List<MailboxDto> newMailboxes = new ArrayList<>();
    private final List<AliasDto> newAliases = new ArrayList<>();
    private final Map<ImportState.Key, StateRow> states = new LinkedHashMap<>();
    private final Set<ImportState.Key> rebaseOnly = new HashSet<>();
    private final List<Object[]> items = new ArrayList<>();

    /** An import state to write; mine == null keeps the stored mine of an existing state. */
    private record StateRow(String objectKey, String seed, String mine, Long mineVersion) {}

    Bookkeeping(long jobId) {
      this.jobId = jobId;
    }

    void newMailbox(MailboxDto request) {
      newMailboxes.add(request);
    }

    void newAlias(AliasDto request) {
      newAliases.add(request);
    }

    /** Mailboxes first: an alias may list its own address only when that is a mailbox. */
    void createPending() {
      if (!newMailboxes.isEmpty()) {
        mailboxes.createAll(List.copyOf(newMailboxes));
        newMailboxes.clear();
      }
      if (!newAliases.isEmpty()) {
        aliases.createAll(List.copyOf(newAliases));
        newAliases.clear();
      }
    }

    void state(ImportPlan p, ObjectNode mineAfter, Long version) {
      ObjectNode seed = p.theirs().deepCopy();
      p.secrets().forEach((field, value) -> seed.put(field, ImportPlanner.secretHash(value)));
      ObjectNode mine = mineAfter == null ? json.createObjectNode() : mineAfter;
      ImportState.Key key = new ImportState.Key(p.kind(), ImportPlanner.keyHash(p.key()));
      states.put(key, new StateRow(p.key(), seed.toString(), mine.toString(), version));
      if (!p.writes()) {
        // A rebase without a write keeps mailplane's side of a stored state as it was.
        rebaseOnly.add(key);
      }
    }

    void item(ImportPlan p, String outcome, Problem problem) {
      ObjectNode fields = shown(p);
      items.add(
          new Object[] {
            jobId,
            p.kind(),
            clip(p.key(), 1000),
            p.seedRow(),
            p.action(),
            outcome,
            p.reason() == null ? null : clip(p.reason(), 2000),
            fields == null ? null : fields.toString(),
            problem == null ? null : json.valueToTree(problem).toString()
          });
    }

    void write() {
      createPending();
      ImportItem.getEntityManager().flush();
      // Closing returns the handle to the transaction, which keeps the physical connection.
      try (Connection connection = dataSource.getConnection()) {
        writeStates(connection);
        batch(
            connection,
            "INSERT INTO import_item (job_id, kind, object_key, seed_row, action, outcome, reason,"
                + " fields_json, problem_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            items);
      } catch (SQLException e) {
        throw new IllegalStateException("cannot record the import's progress", e);
      }
    }

    private void writeStates(Connection connection) throws SQLException {
      Set<ImportState.Key> stored = new HashSet<>();
      Map<String, List<String>> byKind = new TreeMap<>();
      states
          .keySet()
          .forEach(k -> byKind.computeIfAbsent(k.kind(), x -> new ArrayList<>()).add(k.keyHash()));
      for (Map.Entry<String, List<String>> kind : byKind.entrySet()) {
        String marks = String.join(", ", Collections.nCopies(kind.getValue().size(), "?"));
        try (PreparedStatement query =
            connection.prepareStatement(
                "SELECT key_hash FROM import_state WHERE kind = ? AND key_hash IN ("
                    + marks
                    + ")")) {
          query.setString(1, kind.getKey());
          for (int i = 0; i < kind.getValue().size(); i++) {
            query.setString(i + 2, kind.getValue().get(i));
          }
          try (ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
              stored.add(new ImportState.Key(kind.getKey(), rows.getString(1)));
            }
          }
        }
      }
      LocalDateTime now = LocalDateTime.ofInstant(Timestamps.now(), ZoneOffset.UTC);
      List<Object[]> inserts = new ArrayList<>();
      List<Object[]> updates = new ArrayList<>();
      List<Object[]> rebases = new ArrayList<>();
      states.forEach(
          (key, row) -> {
            if (!stored.contains(key)) {
              inserts.add(
                  new Object[] {
                    key.kind(),
                    key.keyHash(),
                    row.objectKey(),
                    row.seed(),
                    row.mine(),
                    row.mineVersion(),
                    now
                  });
            } else if (rebaseOnly.contains(key)) {
              rebases.add(new Object[] {row.seed(), now, key.kind(), key.keyHash()});
            } else {
              updates.add(
                  new Object[] {
                    row.seed(), row.mine(), row.mineVersion(), now, key.kind(), key.keyHash()
                  });
            }
          });
      batch(
          connection,
          "INSERT INTO import_state (kind, key_hash, object_key, seed_json, mine_json,"
              + " mine_version, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
          inserts);
      batch(
          connection,
          "UPDATE import_state SET seed_json = ?, mine_json = ?, mine_version = ?, updated_at = ?"
              + " WHERE kind = ? AND key_hash = ?",
          updates);
      batch(
          connection,
          "UPDATE import_state SET seed_json = ?, updated_at = ? WHERE kind = ? AND key_hash = ?",
          rebases);
    }
  }

  private static void batch(Connection connection, String sql, List<Object[]> rows)
      throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (Object[] row : rows) {
        for (int i = 0; i < row.length; i++) {
          if (row[i] == null) {
            // Untyped, so PostgreSQL takes the column's type (a VARCHAR null is no BIGINT).
            statement.setNull(i + 1, Types.NULL);
          } else {
            statement.setObject(i + 1, row[i]);
          }
        }
        statement.addBatch();
      }
      statement.executeBatch();
    }
  }

  /** What an item shows: the changes (or conflicts); secrets and hashes only as "(changed)". */
  private ObjectNode shown(ImportPlan p) {
    ObjectNode source =
        p.changes() != null && !p.changes().isEmpty()
            ? p.changes()
            : p.conflicts() != null && !p.conflicts().isEmpty() ? p.conflicts() : null;
    if (source == null) {
      return null;
    }
    ObjectNode out = source.deepCopy();
    for (String secret : List.of("password", "passwordHash", "privateKey")) {
      if (out.has(secret)) {
        out.put(secret, "(set)");
      }
    }
    return out;
  }

  private static String clip(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }

  private Problem problem(ImportPlan p, RuntimeException e) {
    Throwable cause = e;
    while (cause != null
        && !(cause instanceof ApiException)
        && !(cause instanceof InvalidValueException)
        && !(cause instanceof ConstraintViolationException)) {
      cause = cause.getCause();
    }
    if (cause instanceof InvalidValueException invalid) {
      cause = ApiException.invalid(invalid);
    }
    if (cause instanceof ApiException api) {
      return Problem.of(api.kind(), api.getMessage(), api.errors(), null);
    }
    if (cause instanceof ConstraintViolationException cv) {
      List<Problem.FieldError> errors =
          cv.getConstraintViolations().stream()
              .map(v -> new Problem.FieldError(v.getPropertyPath().toString(), v.getMessage()))
              .sorted(Comparator.comparing(Problem.FieldError::field))
              .toList();
      return Problem.of(
          ProblemKind.VALIDATION_FAILED,
          errors.get(0).field() + ": " + errors.get(0).message(),
          errors,
          null);
    }
    LOG.errorf(e, "import of %s %s failed", p.kind(), p.key());
    return Problem.of(
        ProblemKind.INTERNAL_ERROR, "unexpected failure; see the server log", null, null);
  }

  private void heartbeat(long jobId, String state, Map<String, Map<String, Integer>> counts) {
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              ImportJob job = ImportJob.findById(jobId);
              job.heartbeatAt = Timestamps.now();
              if (state != null) {
                job.state = state;
              }
              if (counts != null) {
                job.countsJson = json.valueToTree(counts).toString();
              }
            });
  }

  private void finish(
      long jobId, String state, Map<String, Map<String, Integer>> counts, String failure) {
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              ImportJob job = ImportJob.findById(jobId);
              Instant now = Timestamps.now();
              job.state = state;
              job.heartbeatAt = now;
              job.finishedAt = now;
              if (counts != null) {
                job.countsJson = json.valueToTree(counts).toString();
              }
              job.failure = failure == null ? null : clip(failure, 2000);
            });
  }

  // --- mailplane's current objects ---

  private Map<String, Map<String, ImportState>> states() {
    Map<String, Map<String, ImportState>> out = new HashMap<>();
    ImportState.<ImportState>listAll()
        .forEach(
            s -> out.computeIfAbsent(s.id.kind(), k -> new HashMap<>()).put(s.id.keyHash(), s));
    // Read only: detached, so the planner's later queries do not flush-check each of them.
    ImportState.getEntityManager().clear();
    return out;
  }

  private ImportPlanner.Current current() {
    ConfigService.Export export = config.export();
    Map<String, Map<String, ImportPlanner.Existing>> found = new HashMap<>();
    for (Object o : export.document().get("domains")) {
      ConfigDocument.DomainEntry d = (ConfigDocument.DomainEntry) o;
      put(found, ImportPlan.DOMAIN, d.name(), json.createObjectNode(), null, null);
    }
    for (Object o : export.document().get("mailboxes")) {
      ConfigDocument.MailboxEntry m = (ConfigDocument.MailboxEntry) o;
      ObjectNode v = json.createObjectNode();
      v.put("passwordHash", m.passwordHash());
      v.put("quotaMb", m.quotaMb());
      v.put("enabled", m.enabled());
      v.put("sendOnly", m.sendOnly());
      v.put("admin", m.admin());
      v.put("domainAdmin", m.domainAdmin());
      put(found, ImportPlan.MAILBOX, m.address(), v, null, null);
    }
    for (Object o : export.document().get("aliases")) {
      ConfigDocument.AliasEntry a = (ConfigDocument.AliasEntry) o;
      ObjectNode v = json.createObjectNode();
      v.set("destinations", json.valueToTree(a.destinations().stream().sorted().toList()));
      put(found, ImportPlan.ALIAS, a.address(), v, null, null);
    }
    String after = null;
    while (true) {
      var page = fetchmail.list(PageRequest.of(PageRequest.MAX_LIMIT, after), null, null, null);
      for (FetchmailAccountDto a : page.items()) {
        put(
            found,
            ImportPlan.FETCHMAIL,
            a.mailbox() + "|" + a.host().toLowerCase(java.util.Locale.ROOT) + "|" + a.username(),
            fetchmailValues(a),
            a.id(),
            a.version());
      }
      if (page.next() == null) {
        break;
      }
      after = page.next();
    }
    // The export loaded every mailbox and alias as an entity; the DKIM reads below run one query
    // each per domain, and each would first flush-check all of them (quadratic at 100k).
    ImportItem.getEntityManager().clear();
    Set<String> dkimDomains = new java.util.HashSet<>();
    for (Object o : export.document().get("dkim")) {
      dkimDomains.add(((ConfigDocument.DkimEntry) o).domain());
    }
    Set<String> domainNames = found.getOrDefault(ImportPlan.DOMAIN, Map.of()).keySet();
    return (kind, key) -> {
      if (kind.equals(ImportPlan.DKIM)) {
        if (dkimDomains.contains(key)) {
          DkimDto d = dkim.get(key);
          return new ImportPlanner.Existing(dkimValues(d), null, d.version());
        }
        if (!domainNames.contains(key)) {
          return null;
        }
        return dkim.disabledKeyOf(key)
            .map(
                kept -> {
                  ObjectNode v = json.createObjectNode();
                  v.put("selector", kept.selector());
                  v.put("publicKey", kept.publicKey());
                  v.put("enabled", false);
                  return new ImportPlanner.Existing(v, null, null);
                })
            .orElse(null);
      }
      return found.getOrDefault(kind, Map.of()).get(key);
    };
  }

  private static void put(
      Map<String, Map<String, ImportPlanner.Existing>> found,
      String kind,
      String key,
      ObjectNode values,
      Long id,
      Long version) {
    found
        .computeIfAbsent(kind, k -> new HashMap<>())
        .put(key, new ImportPlanner.Existing(values, id, version));
  }

  private ObjectNode dkimValues(DkimDto d) {
    ObjectNode v = json.createObjectNode();
    v.put("selector", d.selector());
    String publicKey = null;
    for (DkimSelectorDto s : d.selectors()) {
      if (s.selector().equals(d.selector())) {
        publicKey = s.publicKey();
      }
    }
    v.put("publicKey", publicKey);
    v.put("enabled", true);
    return v;
  }

  private ObjectNode fetchmailValues(FetchmailAccountDto a) {
    ObjectNode v = json.createObjectNode();
    v.put("port", a.port());
    v.put("protocol", a.protocol());
    v.put("tls", a.tls());
    v.put("verifyCertificate", a.verifyCertificate());
    return v;
  }
}
