package io.mailplane.fetchmail;

import io.mailplane.api.ApiException;
import io.mailplane.api.Page;
import io.mailplane.api.PageRequest;
import io.mailplane.api.ProblemKind;
import io.mailplane.api.Timestamps;
import io.mailplane.auth.Caller;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;

/**
 * The runs of a fetchmail account as the API shows them: their history and a run started by hand.
 * The runs themselves are claimed and executed by {@link FetchmailRunner}.
 */
@ApplicationScoped
public class FetchmailRuns {
  @Inject Caller caller;
  @Inject FetchmailService accounts;
  @Inject FetchmailSchedule schedule;
  @Inject FetchmailRunner runner;

  /** Newest first. */
  public Page<FetchmailRunDto> of(long accountId, PageRequest page) {
    FetchmailAccount account = accounts.visible(accountId);
    String query = "accountId = :account";
    Parameters params = Parameters.with("account", account.id);
    if (page.afterKey() != null) {
      query += " and id < :after";
      params.and("after", page.afterId());
    }
    List<FetchmailRun> rows =
        FetchmailRun.<FetchmailRun>find(query + " order by id desc", params)
            .page(0, page.limit() + 1)
            .list();
    return Page.of(rows, page.limit(), r -> r.id.toString(), FetchmailRunDto::of);
  }

  public FetchmailRunDto get(long accountId, long runId) {
    FetchmailAccount account = accounts.visible(accountId);
    FetchmailRun run = FetchmailRun.findById(runId);
    if (run == null || run.accountId != account.id) {
      throw ApiException.notFound("fetchmail run", Long.toString(runId));
    }
    return FetchmailRunDto.of(run);
  }

  /** Queues a run now; 409 while a run of the account is queued or running. */
  @Transactional
  public FetchmailRunDto runNow(long accountId) {
    FetchmailAccount account = accounts.visible(accountId);
    caller.requireWriteMailbox(account.mailbox.address, FetchmailService.notFound(accountId));
    // The account row lock serializes run-now with the scheduler's claim of the same account.
    FetchmailAccount.getEntityManager().lock(account, LockModeType.PESSIMISTIC_WRITE);
    Instant now = Timestamps.now();
    FetchmailRun active = FetchmailRunner.activeRun(account.id);
    if (active != null && !runner.abandonIfStale(active, now)) {
      throw new ApiException(
          ProblemKind.CONFLICT,
          "run " + active.id + " of fetchmail account " + accountId + " is still " + active.status);
    }
    FetchmailRun run = new FetchmailRun();
    run.accountId = account.id;
    run.activeAccountId = account.id;
    run.trigger = "manual";
    run.status = FetchmailRun.QUEUED;
    run.queuedAt = now;
    try {
      run.persist();
      FetchmailRun.getEntityManager().flush();
    } catch (PersistenceException e) {
      // The unique active key: another replica queued or started one a moment ago.
      throw new ApiException(
          ProblemKind.CONFLICT, "a run of fetchmail account " + accountId + " is already active");
    }
    schedule.runNow(account.id, run.id);
    return FetchmailRunDto.of(run);
  }
}
