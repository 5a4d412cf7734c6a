package io.mailplane.fetchmail;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.quartz.JobBuilder;
import org.quartz.JobDataMap;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.matchers.GroupMatcher;

/**
 * The accounts' Quartz jobs and triggers. Quartz runs in clustered JDBC mode (jdbc-cmt): these
 * calls write the QRTZ_* rows in the caller's transaction, so a schedule changes exactly when the
 * account change commits, and whichever replica acquires a due trigger runs it.
 *
 * <p>One durable job per account ({@code fetchmail/account-<id>}, non-concurrent) and at most one
 * repeating trigger of the same name; run-now fires the job once more with the run's id.
 */
@ApplicationScoped
public class FetchmailSchedule {
  private static final Logger LOG = Logger.getLogger(FetchmailSchedule.class);
  static final String GROUP = "fetchmail";
  static final String PREFIX = "account-";
  static final String RUN_ID = "runId";
  static final String FIRED_FOR = "firedFor";

  @Inject Scheduler quartz;
  @Inject FetchmailConfig config;
  @Inject AgroalDataSource dataSource;

  static JobKey jobKey(long accountId) {
    return JobKey.jobKey(PREFIX + accountId, GROUP);
  }

  static TriggerKey triggerKey(long accountId) {
    return TriggerKey.triggerKey(PREFIX + accountId, GROUP);
  }

  static Long accountIdOf(String name) {
    if (!name.startsWith(PREFIX)) {
      return null;
    }
    try {
      return Long.valueOf(name.substring(PREFIX.length()));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * Makes the account's trigger match it: none when disabled; a new one (first run after a random
   * jitter) when it has none or when its interval changed.
   */
  public void sync(FetchmailAccount account, boolean intervalChanged) {
    try {
      if (!account.enabled) {
        quartz.unscheduleJob(triggerKey(account.id));
        return;
      }
      ensureJob(account.id);
      Trigger current = quartz.getTrigger(triggerKey(account.id));
      if (current == null || intervalChanged) {
        long jitterMs = Math.min(config.jitter().toMillis(), account.intervalSeconds * 1000L);
        long offset = jitterMs <= 0 ? 0 : ThreadLocalRandom.current().nextLong(jitterMs + 1);
        schedule(account.id, account.intervalSeconds, Instant.now().plusMillis(offset));
      }
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot schedule fetchmail account " + account.id, e);
    }
  }

  /** Pushes the next scheduled run out (authentication backoff); the interval then resumes. */
  public void delay(long accountId, int intervalSeconds, Duration delay) {
    try {
      if (quartz.getTrigger(triggerKey(accountId)) != null) {
        schedule(accountId, intervalSeconds, Instant.now().plus(delay));
      }
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot delay fetchmail account " + accountId, e);
    }
  }

  public void unschedule(long accountId) {
    try {
      quartz.unscheduleJob(triggerKey(accountId));
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot unschedule fetchmail account " + accountId, e);
    }
  }

  public void remove(long accountId) {
    try {
      quartz.deleteJob(jobKey(accountId));
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot remove fetchmail account " + accountId, e);
    }
  }

  /** Fires the account's job once, now, for a queued run. */
  public void runNow(long accountId, long runId) {
    try {
      ensureJob(accountId);
      JobDataMap data = new JobDataMap();
      data.put(RUN_ID, Long.toString(runId));
      quartz.triggerJob(jobKey(accountId), data);
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot start a run of fetchmail account " + accountId, e);
    }
  }

  /**
   * Fires the account's job once more after the delay, for a run that could not start because its
   * domain ran its bound: a one-shot trigger, so that no scheduler thread waits meanwhile.
   *
   * @param runId the queued run of a run-now, or null for a scheduled firing
   * @param firedFor when the scheduled firing was first due
   */
  public void retry(long accountId, Long runId, Instant firedFor, Duration delay) {
    JobDataMap data = new JobDataMap();
    if (runId != null) {
      data.put(RUN_ID, Long.toString(runId));
    }
    if (firedFor != null) {
      data.put(FIRED_FOR, Long.toString(firedFor.toEpochMilli()));
    }
    Trigger trigger =
        TriggerBuilder.newTrigger()
            .withIdentity("retry-" + accountId + "-" + UUID.randomUUID(), GROUP)
            .forJob(jobKey(accountId))
            .usingJobData(data)
            .startAt(Date.from(Instant.now().plus(delay)))
            // Late (every worker busy past the misfire threshold) is still wanted: fire then.
            .withSchedule(
                SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
            .build();
    try {
      quartz.scheduleJob(trigger);
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot retry fetchmail account " + accountId, e);
    }
  }

  /** Next scheduled run of each account, read in one query from Quartz's trigger table. */
  public Map<Long, Instant> nextRuns(Collection<Long> accountIds) {
    Map<Long, Instant> next = new HashMap<>();
    if (accountIds.isEmpty()) {
      return next;
    }
    String names = accountIds.stream().map(id -> "?").collect(Collectors.joining(","));
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT TRIGGER_NAME, NEXT_FIRE_TIME FROM QRTZ_TRIGGERS WHERE SCHED_NAME = ?"
                    + " AND TRIGGER_GROUP = ? AND TRIGGER_NAME IN ("
                    + names
                    + ")")) {
      statement.setString(1, quartz.getSchedulerName());
      statement.setString(2, GROUP);
      int i = 3;
      for (Long id : accountIds) {
        statement.setString(i++, PREFIX + id);
      }
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          Long id = accountIdOf(rows.getString(1));
          long millis = rows.getLong(2);
          if (id != null && !rows.wasNull() && millis > 0) {
            next.put(id, Instant.ofEpochMilli(millis));
          }
        }
      }
    } catch (SQLException | SchedulerException e) {
      throw new IllegalStateException("cannot read fetchmail schedules", e);
    }
    return next;
  }

  /**
   * At startup: every enabled account has a trigger, and no job is left for an account that is gone
   * (a mailbox deletion removes its accounts by a foreign-key cascade, behind this class's back).
   */
  @Transactional
  void reconcile(@Observes StartupEvent event) throws SchedulerException {
    List<FetchmailAccount> accounts = FetchmailAccount.listAll();
    Set<Long> known = new HashSet<>();
    for (FetchmailAccount account : accounts) {
      known.add(account.id);
      sync(account, false);
    }
    int removed = 0;
    for (JobKey key : quartz.getJobKeys(GroupMatcher.jobGroupEquals(GROUP))) {
      Long id = accountIdOf(key.getName());
      if (id == null || !known.contains(id)) {
        quartz.deleteJob(key);
        removed++;
      }
    }
    LOG.infof("fetchmail: %d accounts scheduled, %d stale jobs removed", accounts.size(), removed);
  }

  private void ensureJob(long accountId) throws SchedulerException {
    if (!quartz.checkExists(jobKey(accountId))) {
      JobDetail job =
          JobBuilder.newJob(FetchmailJob.class)
              .withIdentity(jobKey(accountId))
              .storeDurably()
              .build();
      quartz.addJob(job, true);
    }
  }

  private void schedule(long accountId, int intervalSeconds, Instant start)
      throws SchedulerException {
    Trigger trigger =
        TriggerBuilder.newTrigger()
            .withIdentity(triggerKey(accountId))
            .forJob(jobKey(accountId))
            .startAt(Date.from(start))
            .withSchedule(
                SimpleScheduleBuilder.simpleSchedule()
                    .withIntervalInSeconds(intervalSeconds)
                    .repeatForever()
                    // After downtime the missed runs are skipped, not fired in a burst.
                    .withMisfireHandlingInstructionNextWithRemainingCount())
            .build();
    if (quartz.checkExists(trigger.getKey())) {
      quartz.rescheduleJob(trigger.getKey(), trigger);
    } else {
      quartz.scheduleJob(trigger);
    }
  }
}
