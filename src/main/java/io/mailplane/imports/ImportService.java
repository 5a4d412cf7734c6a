package io.mailplane.imports;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailplane.api.ApiException;
import io.mailplane.api.Page;
import io.mailplane.api.PageRequest;
import io.mailplane.api.Problem;
import io.mailplane.api.ProblemKind;
import io.mailplane.api.Timestamps;
import io.mailplane.auth.Caller;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Parameters;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Starts import jobs and reads them. One job at a time across replicas: a job whose heartbeat is
 * fresh blocks a second one (409); one whose heartbeat stopped (mailplane was stopped) is marked
 * failed, and running the import again resumes it (every object already imported is unchanged).
 */
@ApplicationScoped
public class ImportService {
  /** A working job advances its heartbeat at least every 100 objects; this is far above that. */
  static final Duration STALE = Duration.ofMinutes(5);

  @Inject Caller caller;
  @Inject ObjectMapper json;
  @Inject ImportRunner runner;

  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "mailplane-import");
            t.setDaemon(true);
            return t;
          });

  void onStart(@Observes StartupEvent event) {
    QuarkusTransaction.requiringNew().run(this::failStale);
  }

  void onStop(@Observes ShutdownEvent event) {
    worker.shutdownNow();
  }

  public ImportJobDto start(ImportRequest request) {
    caller.requireAdmin();
    ImportRequest.Options options =
        (request.options() == null
                ? new ImportRequest.Options(null, null, null)
                : request.options())
            .withDefaults();
    SeedSource source =
        SeedSource.parse(
            request.source().url(), request.source().username(), request.source().password());
    // Checked before the job exists: a wrong URL, password or database is the caller's answer.
    try (Connection connection = source.connect()) {
      source.requireSeedSchema(connection);
    } catch (SQLException e) {
      throw ApiException.invalid("source", source.clean(e));
    }
    boolean dryRun = request.dryRun() == null || request.dryRun();
    String adminId = caller.id();
    ImportJob job =
        QuarkusTransaction.requiringNew()
            .call(
                () -> {
                  failStale();
                  ImportJob active =
                      ImportJob.find(
                              "state in (:states) and finishedAt is null",
                              Parameters.with("states", List.of(ImportJob.PLAN, ImportJob.RUNNING)))
                          .firstResult();
                  if (active != null) {
                    throw new ApiException(
                        ProblemKind.CONFLICT,
                        "import " + active.id + " is still working; wait until it has finished");
                  }
                  ImportJob created = new ImportJob();
                  Instant now = Timestamps.now();
                  created.state = ImportJob.PLAN;
                  created.dryRun = dryRun;
                  created.source = source.display();
                  created.optionsJson = write(options);
                  created.createdBy = adminId;
                  created.createdAt = now;
                  created.heartbeatAt = now;
                  created.persist();
                  return created;
                });
    long id = job.id;
    worker.submit(() -> runner.run(id, source, options, adminId));
    return QuarkusTransaction.requiringNew().call(() -> toDto(ImportJob.findById(id)));
  }

  public ImportJobDto get(long id) {
    caller.requireAdmin();
    return QuarkusTransaction.requiringNew().call(() -> toDto(find(id)));
  }

  public Page<ImportItemDto> items(long id, PageRequest page, String kind, String outcome) {
    caller.requireAdmin();
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              find(id);
              List<String> where = new ArrayList<>(List.of("jobId = :job"));
              Parameters params = Parameters.with("job", id);
              if (page.afterKey() != null) {
                where.add("id > :after");
                params.and("after", page.afterId());
              }
              if (kind != null && !kind.isEmpty()) {
                where.add("kind = :kind");
                params.and("kind", kind);
              }
              if (outcome != null && !outcome.isEmpty()) {
                where.add("outcome = :outcome");
                params.and("outcome", outcome);
              }
              List<ImportItem> rows =
                  ImportItem.<ImportItem>find(String.join(" and ", where) + " order by id", params)
                      .page(0, page.limit() + 1)
                      .list();
              return Page.of(rows, page.limit(), r -> r.id.toString(), this::itemDto);
            });
  }

  private static ImportJob find(long id) {
    ImportJob job = ImportJob.findById(id);
    if (job == null) {
      throw ApiException.notFound("import", Long.toString(id));
    }
    return job;
  }

  /** Jobs whose worker is gone (mailplane stopped while they ran) are failed, not left working. */
  private void failStale() {
    Instant limit = Timestamps.now().minus(STALE);
    ImportJob.<ImportJob>list("finishedAt is null and heartbeatAt < ?1", limit)
        .forEach(
            job -> {
              job.state = ImportJob.FAILED;
              job.finishedAt = Timestamps.now();
              job.failure =
                  "interrupted: mailplane stopped while it worked; run the import again, it resumes";
            });
  }

  private ImportJobDto toDto(ImportJob job) {
    return new ImportJobDto(
        job.id,
        job.state,
        job.finishedAt != null,
        job.dryRun,
        job.source,
        read(job.optionsJson, new TypeReference<ImportRequest.Options>() {}),
        job.countsJson == null
            ? Map.of()
            : read(job.countsJson, new TypeReference<Map<String, Map<String, Integer>>>() {}),
        job.failure,
        job.createdBy,
        job.createdAt,
        job.finishedAt);
  }

  private ImportItemDto itemDto(ImportItem item) {
    return new ImportItemDto(
        item.id,
        item.kind,
        item.objectKey,
        item.seedRow,
        item.action,
        item.outcome,
        item.reason,
        item.fieldsJson == null
            ? Map.of()
            : read(item.fieldsJson, new TypeReference<Map<String, Object>>() {}),
        item.problemJson == null ? null : read(item.problemJson, new TypeReference<Problem>() {}));
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private <T> T read(String text, TypeReference<T> type) {
    try {
      return json.readValue(text, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
