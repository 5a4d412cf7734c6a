package io.mailplane.fetchmail;

import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.time.Instant;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.SchedulerException;

/**
 * One firing of an account's job, on whichever cluster member acquired the trigger. Quartz does not
 * run a {@link DisallowConcurrentExecution} job twice at once in the whole cluster; the run row's
 * unique active key (FetchmailRunner) makes that hold also for a replica that died mid-run.
 */
@Dependent
@Unremovable
@DisallowConcurrentExecution
public class FetchmailJob implements Job {
  @Inject FetchmailRunner runner;

  @Override
  public void execute(JobExecutionContext context) {
    Long accountId = FetchmailSchedule.accountIdOf(context.getJobDetail().getKey().getName());
    if (accountId == null) {
      return;
    }
    String runId = context.getMergedJobDataMap().getString(FetchmailSchedule.RUN_ID);
    String instance;
    try {
      instance = context.getScheduler().getSchedulerInstanceId();
    } catch (SchedulerException e) {
      instance = "unknown";
    }
    String firedFor = context.getMergedJobDataMap().getString(FetchmailSchedule.FIRED_FOR);
    Instant due =
        firedFor != null
            ? Instant.ofEpochMilli(Long.parseLong(firedFor))
            : context.getScheduledFireTime() == null
                ? Instant.now()
                : context.getScheduledFireTime().toInstant();
    runner.execute(accountId, runId == null ? null : Long.valueOf(runId), instance, due);
  }
}
