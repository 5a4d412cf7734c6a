package io.mailplane.fetchmail;

import io.mailplane.api.Timestamps;
import io.mailplane.audit.AuditService;
import io.mailplane.auth.Caller;
import io.mailplane.crypto.SecretCipher;
import io.mailplane.push.Outbox;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * Executes runs: claims the account (one active run per account, enforced by the database), runs
 * fetchmail outside any transaction, then records the outcome, the id file and the failure counters
 * (authentication backoff, disabling after too many).
 */
@ApplicationScoped
public class FetchmailRunner {
  private static final Logger LOG = Logger.getLogger(FetchmailRunner.class);

  @Inject FetchmailConfig config;
  @Inject SecretCipher cipher;
  @Inject FetchmailSchedule schedule;
  @Inject AuditService audit;
  @Inject Caller caller;
  @Inject Outbox outbox;

  private Semaphore permits;

  @PostConstruct
  void init() {
    permits = new Semaphore(Math.max(1, config.maxConcurrentRuns()), true);
  }

  /** What a claimed run needs outside the transaction. The password lives only here and in rc. */
  private record Claimed(long runId, long accountId, String rc, String password, String idState) {}

  /** claim()'s answer when the cluster already runs its bound: try again shortly. */
  private static final Claimed CLUSTER_FULL = new Claimed(-1, -1, null, null, null);

  /**
   * @param runId the queued run of a run-now, or null for a scheduled firing
   * @param instance the scheduler instance, recorded with the run
   */
  @ActivateRequestContext
  public void execute(long accountId, Long runId, String instance) {
    caller.identifyJob("fetchmail");
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    try {
      Claimed claimed = claimWhenASlotIsFree(accountId, runId, instance);
      if (claimed == null) {
        return;
      }
      FetchmailProcess.Result result;
      try {
        result =
            FetchmailProcess.run(
                config.binary(),
                workDirectory(),
                claimed.rc(),
                claimed.idState(),
                claimed.password(),
                config.timeout(),
                config.logTailChars());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        result = failed(claimed, "interrupted (shutdown)");
      } catch (Exception e) {
        result = failed(claimed, "cannot run fetchmail: " + e.getMessage());
      }
      FetchmailProcess.Result outcome = result;
      // The result must land, or the run stays active until it is taken as abandoned: retry a
      // deadlock or lock timeout (a concurrent API write on the same account).
      for (int attempt = 1; ; attempt++) {
        try {
          QuarkusTransaction.requiringNew().run(() -> finish(claimed, outcome));
          break;
        } catch (RuntimeException e) {
          if (attempt == 3) {
            throw e;
          }
          LOG.debugf("recording run %d, attempt %d: %s", claimed.runId(), attempt, e.toString());
        }
      }
    } catch (RuntimeException e) {
      LOG.errorf("fetchmail run of account %d failed: %s", accountId, e.toString());
    } finally {
      permits.release();
    }
  }

  /**
   * Claims the run as soon as the cluster has a free slot, polling with jitter. One that finds none
   * within the run timeout is dropped: a scheduled firing comes again at its next time, a queued
   * run-now is closed as an error that says why.
   */
  private Claimed claimWhenASlotIsFree(long accountId, Long runId, String instance) {
    Instant giveUp = Timestamps.now().plus(config.timeout());
    while (true) {
      Claimed claimed =
          QuarkusTransaction.requiringNew().call(() -> claim(accountId, runId, instance));
      if (claimed != CLUSTER_FULL) {
        return claimed;
      }
      if (Timestamps.now().isAfter(giveUp)) {
        String why =
            "no free run slot: the cluster ran "
                + Math.max(1, config.clusterMaxConcurrentRuns())
                + " runs at once for "
                + config.timeout().toSeconds()
                + " s";
        LOG.warnf("fetchmail account %d: %s", accountId, why);
        if (runId != null) {
          QuarkusTransaction.requiringNew().run(() -> closeQueued(runId, why));
        }
        return null;
      }
      try {
        Thread.sleep(ThreadLocalRandom.current().nextLong(100, 500));
      } catch (InterruptedException e) {
        // Shutting down: a queued run-now must not stay active (and block run-now with 409).
        if (runId != null) {
          QuarkusTransaction.requiringNew()
              .run(() -> closeQueued(runId, "not started: the instance shut down"));
        }
        Thread.currentThread().interrupt();
        return null;
      }
    }
  }

  private static void closeQueued(long runId, String why) {
    FetchmailRun run = FetchmailRun.findById(runId);
    if (run != null && run.status.equals(FetchmailRun.QUEUED)) {
      finishRow(run, "error", null, 0, why);
    }
  }

  /** Serializes claims across the cluster: held from here until the claim commits. */
  private static void lockGate() {
    FetchmailRun.getEntityManager()
        .createNativeQuery("SELECT id FROM fetchmail_gate WHERE id = 1 FOR UPDATE")
        .getResultList();
  }

  private boolean clusterSlotFree() {
    long running =
        FetchmailRun.count(
            "activeAccountId is not null and status = ?1 and startedAt > ?2",
            FetchmailRun.RUNNING,
            Timestamps.now().minus(abandonedAfter()));
    return running < Math.max(1, config.clusterMaxConcurrentRuns());
  }

  private FetchmailProcess.Result failed(Claimed claimed, String message) {
    return new FetchmailProcess.Result(
        "error", null, 0, claimed.idState(), FetchmailProcess.redact(message, claimed.password()));
  }

  Path workDirectory() {
    return Path.of(
            config
                .workDirectory()
                .orElse(
                    Path.of(System.getProperty("java.io.tmpdir"), "mailplane-fetchmail")
                        .toString()))
        // fetchmail wants an absolute HOME and rc path.
        .toAbsolutePath();
  }

  /**
   * Both locks (gate, then account row) come before the first plain read: on MariaDB's REPEATABLE
   * READ that read fixes the snapshot, so the running count, the active run and the id state are
   * all read as of after the locks — nothing committed while this claim waited is missed.
   */
  private Claimed claim(long accountId, Long runId, String instance) {
    lockGate();
    FetchmailAccount account = FetchmailAccount.findById(accountId, LockModeType.PESSIMISTIC_WRITE);
    if (account == null) {
      // Deleted with its mailbox (foreign-key cascade): drop the orphaned job.
      schedule.remove(accountId);
      return null;
    }
    if (!clusterSlotFree()) {
      return CLUSTER_FULL;
    }
    Instant now = Timestamps.now();
    FetchmailRun run;
    if (runId != null) {
      run = FetchmailRun.findById(runId);
      if (run == null || !run.status.equals(FetchmailRun.QUEUED) || run.accountId != accountId) {
        return null;
      }
    } else {
      if (!account.enabled) {
        schedule.unschedule(accountId);
        return null;
      }
      FetchmailRun active = activeRun(accountId);
      if (active != null && !abandonIfStale(active, now)) {
        LOG.debugf(
            "fetchmail account %d: run %d still active, firing skipped", accountId, active.id);
        return null;
      }
      run = new FetchmailRun();
      run.accountId = accountId;
      run.activeAccountId = accountId;
      run.trigger = "schedule";
      run.queuedAt = now;
    }
    run.status = FetchmailRun.RUNNING;
    run.startedAt = now;
    run.instance = instance;
    run.persist();
    FetchmailRun.getEntityManager().flush();

    String password;
    String rc;
    try {
      byte[] plain =
          cipher.decrypt(account.passwordEnc, FetchmailAccount.passwordContext(account.id));
      password = new String(plain, StandardCharsets.UTF_8);
      Arrays.fill(plain, (byte) 0);
      rc = RcFile.render(spec(account, password));
    } catch (RuntimeException e) {
      // Never the value: the message names only the rule (RcFile) or the key problem.
      finishRow(run, "error", null, 0, "cannot prepare the run: " + e.getMessage());
      return null;
    }
    return new Claimed(run.id, accountId, rc, password, account.idState);
  }

  /** The run queued or running for the account, if any. */
  static FetchmailRun activeRun(long accountId) {
    return FetchmailRun.find("activeAccountId", accountId).firstResult();
  }

  /**
   * A replica that died mid-run leaves its run active forever; one older than twice the timeout
   * (plus a minute for the queue) is closed as an error so the account can run again.
   */
  boolean abandonIfStale(FetchmailRun active, Instant now) {
    Instant since = active.startedAt != null ? active.startedAt : active.queuedAt;
    Duration limit = abandonedAfter();
    if (since.plus(limit).isAfter(now)) {
      return false;
    }
    finishRow(active, "error", null, 0, "abandoned: no result after " + limit.toSeconds() + " s");
    FetchmailRun.getEntityManager().flush();
    return true;
  }

  private Duration abandonedAfter() {
    return config.timeout().multipliedBy(2).plusMinutes(1);
  }

  private static void finishRow(
      FetchmailRun run, String outcome, Integer exitCode, int messages, String log) {
    run.status = FetchmailRun.FINISHED;
    run.activeAccountId = null;
    run.outcome = outcome;
    run.exitCode = exitCode;
    run.messages = messages;
    run.logTail = log;
    run.finishedAt = Timestamps.now();
  }

  RcFile.Spec spec(FetchmailAccount account, String password) {
    boolean lmtp = config.delivery().equals("lmtp");
    return new RcFile.Spec(
        account.host,
        account.port,
        account.protocol,
        account.username,
        password,
        account.tlsMode,
        account.verifyCertificate,
        config.caFile().orElse(null),
        FetchmailService.foldersOf(account.folders),
        account.keep,
        account.fetchAll,
        lmtp,
        lmtp ? config.lmtpHost() : config.smtpHost(),
        lmtp ? config.lmtpPort() : config.smtpPort(),
        account.mailbox.address,
        // fetchmail's own network timeout stays above ours, so ours decides.
        (int) Math.min(86_400, config.timeout().toSeconds() + 30));
  }

  private void finish(Claimed claimed, FetchmailProcess.Result result) {
    // Account row first, then the run: the order claim() and the service's writes lock in.
    FetchmailAccount account =
        FetchmailAccount.findById(claimed.accountId(), LockModeType.PESSIMISTIC_WRITE);
    if (account == null) {
      return; // deleted meanwhile; its runs went with it
    }
    FetchmailRun run = FetchmailRun.findById(claimed.runId());
    if (run != null) {
      finishRow(run, result.outcome(), result.exitCode(), result.messages(), result.log());
    }
    boolean success = result.outcome().equals("fetched") || result.outcome().equals("no_mail");
    boolean authFailed = result.outcome().equals("auth_failed");
    int failures = success ? 0 : account.consecutiveFailures + 1;
    int authFailures = success ? 0 : account.consecutiveAuthFailures + (authFailed ? 1 : 0);
    // Run bookkeeping is not a change of the account: a bulk update leaves its version (ETag)
    // alone, so a client's If-Match is not broken by every run.
    FetchmailAccount.update(
        "lastRunId = ?1, consecutiveFailures = ?2, consecutiveAuthFailures = ?3, idState = ?4"
            + " where id = ?5",
        claimed.runId(),
        failures,
        authFailures,
        result.idState(),
        claimed.accountId());
    if (authFailed && account.enabled) {
      if (authFailures >= config.disableAfterAuthFailures()) {
        FetchmailAccount.getEntityManager().refresh(account);
        FetchmailAccountDto before = FetchmailService.plainDto(account);
        account.enabled = false;
        account.disabledReason =
            "disabled after " + authFailures + " consecutive authentication failures";
        account.updatedAt = Timestamps.now();
        schedule.unschedule(account.id);
        outbox.record(FetchmailCompat.KIND, account.id.toString());
        FetchmailAccount.getEntityManager().flush();
        audit.record(
            "fetchmail-account.disable",
            FetchmailService.TYPE,
            account.id.toString(),
            account.mailbox.domain.name,
            before,
            FetchmailService.plainDto(account));
      } else {
        long factor = 1L << Math.min(20, authFailures - 1);
        Duration delay = config.authFailureBackoff().multipliedBy(factor);
        if (delay.compareTo(config.maxBackoff()) > 0) {
          delay = config.maxBackoff();
        }
        schedule.delay(account.id, account.intervalSeconds, delay);
      }
    }
    pruneRuns(claimed.accountId());
  }

  private void pruneRuns(long accountId) {
    List<Long> cut =
        FetchmailRun.getEntityManager()
            .createQuery(
                "select r.id from FetchmailRun r where r.accountId = :a order by r.id desc",
                Long.class)
            .setParameter("a", accountId)
            .setFirstResult(config.runsKept())
            .setMaxResults(1)
            .getResultList();
    if (!cut.isEmpty()) {
      FetchmailRun.delete(
          "accountId = ?1 and id <= ?2 and activeAccountId is null", accountId, cut.get(0));
    }
  }
}
