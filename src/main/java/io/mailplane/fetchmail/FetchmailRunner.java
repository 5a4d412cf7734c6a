package io.mailplane.fetchmail;

import io.mailplane.api.Timestamps;
import io.mailplane.audit.Changes;
import io.mailplane.auth.Caller;
import io.mailplane.crypto.SecretCipher;
import io.mailplane.events.Action;
import io.mailplane.events.Resource;
import io.mailplane.metrics.MailplaneMetrics;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import java.net.InetAddress;
import java.net.UnknownHostException;
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
  @Inject Changes changes;
  @Inject Caller caller;
  @Inject Destinations destinations;
  @Inject MailplaneMetrics metrics;

  private Semaphore permits;

  @PostConstruct
  void init() {
    permits = new Semaphore(Math.max(1, config.maxConcurrentRuns()), true);
  }

  /** What a claimed run needs outside the transaction. The password lives only in the spec. */
  private record Claimed(long runId, long accountId, RcFile.Spec spec, String idState) {}

  /** claim()'s answer when the cluster already runs its bound: try again shortly. */
  private static final Claimed CLUSTER_FULL = new Claimed(-1, -1, null, null);

  /** claim()'s answer when the account's domain already runs its bound: try again later. */
  private static final Claimed DOMAIN_FULL = new Claimed(-2, -1, null, null);

  /**
   * @param runId the queued run of a run-now, or null for a scheduled firing
   * @param instance the scheduler instance, recorded with the run
   * @param firedFor when the scheduled firing was due (a deferred firing keeps its first time)
   */
  @ActivateRequestContext
  public void execute(long accountId, Long runId, String instance, Instant firedFor) {
    caller.identifyJob("fetchmail");
    Claimed claimed;
    try {
      claimed = claimWhenASlotIsFree(accountId, runId, instance, firedFor);
    } catch (RuntimeException e) {
      LOG.errorf("fetchmail run of account %d not started: %s", accountId, e.toString());
      return;
    }
    if (claimed == null) {
      return;
    }
    try {
      FetchmailProcess.Result result = runChecked(claimed);
      // The result must land, or the run stays active until it is taken as abandoned: retry a
      // deadlock or lock timeout (a concurrent API write on the same account).
      for (int attempt = 1; ; attempt++) {
        try {
          QuarkusTransaction.requiringNew().run(() -> finish(claimed, result));
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
   * Resolves and checks the destination right before fetchmail starts and pins fetchmail to the
   * checked address. A refused destination is never connected to, so its outcome is the same
   * whether anything listens there or not.
   */
  private FetchmailProcess.Result runChecked(Claimed claimed) {
    String rc;
    try {
      InetAddress address = destinations.resolve(claimed.spec().host());
      rc = RcFile.render(claimed.spec().withVia(address.getHostAddress()));
    } catch (Destinations.RefusedException e) {
      return new FetchmailProcess.Result(
          "host_refused",
          null,
          0,
          claimed.idState(),
          "not started: " + claimed.spec().host() + " " + e.getMessage());
    } catch (UnknownHostException e) {
      return new FetchmailProcess.Result(
          "connect_failed", null, 0, claimed.idState(), "cannot resolve " + claimed.spec().host());
    } catch (IllegalArgumentException e) {
      // Never the value: the message names only the rule (RcFile).
      return failed(claimed, "cannot prepare the run: " + e.getMessage());
    }
    try {
      return FetchmailProcess.run(
          config.binary(),
          workDirectory(),
          rc,
          claimed.idState(),
          claimed.spec().password(),
          config.timeout(),
          config.logTailChars());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed(claimed, "interrupted (shutdown)");
    } catch (Exception e) {
      return failed(claimed, "cannot run fetchmail: " + e.getMessage());
    }
  }

  /**
   * Claims the run as soon as the cluster has a free slot, polling with jitter, and returns it with
   * this instance's permit held. While it waits it holds no permit, so runs that cannot start do
   * not keep others of this instance from starting. One that finds no slot within the run timeout
   * is dropped: a scheduled firing comes again at its next time, a queued run-now is closed as an
   * error that says why. One whose domain is at its bound is not waited for here at all (that would
   * hold a scheduler thread that another domain's run needs): it is fired again a moment later.
   */
  private Claimed claimWhenASlotIsFree(
      long accountId, Long runId, String instance, Instant firedFor) {
    Instant giveUp = Timestamps.now().plus(config.timeout());
    while (true) {
      try {
        permits.acquire();
      } catch (InterruptedException e) {
        return interrupted(runId);
      }
      Claimed claimed;
      try {
        claimed =
            QuarkusTransaction.requiringNew()
                .call(() -> claim(accountId, runId, instance, firedFor));
      } catch (RuntimeException e) {
        permits.release();
        throw e;
      }
      if (claimed != CLUSTER_FULL && claimed != DOMAIN_FULL && claimed != null) {
        return claimed;
      }
      permits.release();
      if (claimed == null) {
        return null;
      }
      if (claimed == DOMAIN_FULL) {
        Duration delay =
            domainRetryDelay(
                Duration.between(firedFor, Timestamps.now()),
                ThreadLocalRandom.current().nextDouble());
        try {
          QuarkusTransaction.requiringNew()
              .run(() -> schedule.retry(accountId, runId, firedFor, delay));
        } catch (RuntimeException e) {
          if (runId != null) {
            QuarkusTransaction.requiringNew()
                .run(() -> closeQueued(runId, "not started: cannot queue it again"));
          }
          throw e;
        }
        return null;
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
        return interrupted(runId);
      }
    }
  }

  /** Shutting down: a queued run-now must not stay active (and block run-now with 409). */
  private Claimed interrupted(Long runId) {
    if (runId != null) {
      QuarkusTransaction.requiringNew()
          .run(() -> closeQueued(runId, "not started: the instance shut down"));
    }
    Thread.currentThread().interrupt();
    return null;
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
        "error",
        null,
        0,
        claimed.idState(),
        FetchmailProcess.redact(message, claimed.spec().password()));
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
  private Claimed claim(long accountId, Long runId, String instance, Instant firedFor) {
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
    if (!domainSlotFree(account, now)) {
      if (runId != null && run.queuedAt.plus(config.timeout()).isBefore(now)) {
        finishRow(run, "error", null, 0, noDomainSlot(account));
        return null;
      }
      if (runId == null
          && firedFor != null
          && firedFor.plusSeconds(account.intervalSeconds).isBefore(now.plusSeconds(2))) {
        // The account's next firing is about due: this one is dropped, as one is when its run
        // is still active.
        LOG.debugf("fetchmail account %d: %s, firing skipped", accountId, noDomainSlot(account));
        return null;
      }
      return DOMAIN_FULL;
    }
    run.status = FetchmailRun.RUNNING;
    run.startedAt = now;
    run.instance = instance;
    run.persist();
    FetchmailRun.getEntityManager().flush();

    String password;
    try {
      byte[] plain =
          cipher.decrypt(account.passwordEnc, FetchmailAccount.passwordContext(account.id));
      password = new String(plain, StandardCharsets.UTF_8);
      Arrays.fill(plain, (byte) 0);
    } catch (RuntimeException e) {
      // Never the value: the message names only the key problem.
      finishRow(run, "error", null, 0, "cannot prepare the run: " + e.getMessage());
      return null;
    }
    return new Claimed(run.id, accountId, spec(account, password), account.idState);
  }

  static final Duration MIN_DOMAIN_RETRY = Duration.ofSeconds(1);
  static final Duration MAX_DOMAIN_RETRY = Duration.ofSeconds(30);

  /**
   * When a run its domain's bound kept from starting asks again: half the time it has waited since
   * it was first due (so the asking slows down as a busy domain stays busy, instead of every
   * deferred run polling the gate lock each second), between MIN and MAX_DOMAIN_RETRY, with a
   * jitter of ±50% so deferred runs of one domain do not ask in step.
   *
   * @param random uniform in [0, 1)
   */
  static Duration domainRetryDelay(Duration waited, double random) {
    long base =
        Math.min(
            MAX_DOMAIN_RETRY.toMillis(),
            Math.max(MIN_DOMAIN_RETRY.toMillis(), Math.max(0, waited.toMillis()) / 2));
    return Duration.ofMillis(Math.min(MAX_DOMAIN_RETRY.toMillis(), (long) (base * (0.5 + random))));
  }

  /** The effective per-domain bound: configured, or half the smaller of the two others. */
  int domainBound() {
    return Math.max(
        1,
        config
            .maxConcurrentRunsPerDomain()
            .orElse(
                Math.min(
                        Math.max(1, config.maxConcurrentRuns()),
                        Math.max(1, config.clusterMaxConcurrentRuns()))
                    / 2));
  }

  /** Counted under the gate lock, like the cluster bound. */
  private boolean domainSlotFree(FetchmailAccount account, Instant now) {
    long running =
        FetchmailRun.getEntityManager()
            .createQuery(
                "select count(r) from FetchmailRun r, FetchmailAccount a where a.id = r.accountId"
                    + " and a.mailbox.domain = :domain and r.activeAccountId is not null"
                    + " and r.status = :running and r.startedAt > :since",
                Long.class)
            .setParameter("domain", account.mailbox.domain)
            .setParameter("running", FetchmailRun.RUNNING)
            .setParameter("since", now.minus(abandonedAfter()))
            .getSingleResult();
    return running < domainBound();
  }

  private String noDomainSlot(FetchmailAccount account) {
    return "no free run slot for "
        + FetchmailService.domainOf(account)
        + ": it ran "
        + domainBound()
        + " runs at once (mailplane.fetchmail.max-concurrent-runs-per-domain) for "
        + config.timeout().toSeconds()
        + " s";
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
        null,
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
    metrics.fetchmailRun(result.outcome());
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
        FetchmailAccount.getEntityManager().flush();
        changes.record(
            Resource.FETCHMAIL_ACCOUNT,
            Action.DISABLE,
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
