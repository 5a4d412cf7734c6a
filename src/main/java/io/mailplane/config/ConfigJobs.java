package io.mailplane.config;

import io.mailplane.api.ApiException;
import io.mailplane.api.Problem;
import io.mailplane.api.ProblemKind;
import io.mailplane.auth.Caller;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * The config:apply jobs of this replica. They live in memory, like the spooled document they read,
 * which is on this replica's disk: a job cannot move to another replica anyway, and a restart ends
 * it (its spool is gone; the chunks it committed stay, and applying the same document again
 * finishes the work, since unchanged entries are no-ops). Its status is answered by the replica
 * that took it. Jobs run one at a time, on one worker thread, so that two large documents never
 * contend for the same rows; the others wait as queued.
 */
@ApplicationScoped
public class ConfigJobs {
  static final String PATH = "/api/v1/config/jobs/";

  /** What a job's problem is about: the request that submitted it. */
  static final String APPLY_PATH = "/api/v1/config:apply";

  @Inject Caller caller;
  @Inject ConfigApiConfig config;
  @Inject ConfigJobRunner runner;

  private final Map<String, ConfigJob> jobs = new ConcurrentHashMap<>();

  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          task -> {
            Thread thread = new Thread(task, "config-job");
            thread.setDaemon(true);
            return thread;
          });

  void onStop(@Observes ShutdownEvent event) {
    worker.shutdownNow();
  }

  /** Queues the document (the job owns it from here and deletes it when done). */
  ConfigJobDto submit(SpooledDocument document, boolean prune) throws IOException {
    forgetOld();
    ConfigJob job = new ConfigJob(UUID.randomUUID().toString(), caller.grant(), prune, document);
    jobs.put(job.id, job);
    // The 202 shows the job as accepted; the worker may already have moved it on.
    ConfigJobDto queued = job.dto();
    try {
      worker.execute(() -> runner.run(job));
    } catch (RejectedExecutionException e) {
      jobs.remove(job.id);
      document.close();
      throw ApiException.unavailable("mailplane is stopping; send the document again later");
    }
    return queued;
  }

  /** A job of the caller (an admin sees every job); any other is not found. */
  ConfigJobDto get(String id) {
    forgetOld();
    ConfigJob job = id == null ? null : jobs.get(id);
    if (job == null || !(caller.isAdmin() || job.owner.id().equals(caller.id()))) {
      throw ApiException.notFound("config job", id);
    }
    return job.dto();
  }

  private void forgetOld() {
    Instant cutoff = Instant.now().minus(config.jobRetention());
    jobs.values().removeIf(job -> job.finishedBefore(cutoff));
  }

  /** The problem a failed job shows: what the synchronous apply would have answered. */
  static Problem problem(ApiException e) {
    return Problem.of(e.kind(), e.getMessage(), e.errors(), APPLY_PATH);
  }

  static ApiException stopped() {
    return new ApiException(
        ProblemKind.SERVICE_UNAVAILABLE,
        "mailplane stopped while the job ran; the chunks it applied stay applied, apply the"
            + " document again to finish (unchanged entries are no-ops)");
  }
}
