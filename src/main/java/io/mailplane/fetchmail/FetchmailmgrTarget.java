package io.mailplane.fetchmail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailplane.push.Outbox;
import io.mailplane.push.PushConfig;
import io.mailplane.push.PushTarget;
import io.mailplane.push.PushTargetFactory;
import io.mailplane.push.RedisTargetConnection;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;

/**
 * Push target {@code fetchmailmgr} (off unless configured): writes the accounts to the Redis key
 * the seed's fetchmailmgr container reads, a JSON array. The format is one blob, so every change
 * rewrites it whole from the database (idempotent, like every push).
 */
public class FetchmailmgrTarget implements PushTarget {
  private final String key;
  private final FetchmailCompat accounts;
  private final ObjectMapper json;
  private final Duration timeout;
  private final RedisTargetConnection connection;

  public FetchmailmgrTarget(
      Vertx vertx,
      String url,
      String key,
      FetchmailCompat accounts,
      ObjectMapper json,
      Duration timeout) {
    this.key = key;
    this.accounts = accounts;
    this.json = json;
    this.timeout = timeout;
    this.connection = new RedisTargetConnection(vertx, url, timeout);
  }

  @Override
  public String type() {
    return "fetchmailmgr";
  }

  @Override
  public void apply(List<Change> changes) throws JsonProcessingException {
    // Deleting a mailbox (or its domain) deletes its accounts by cascade, and only a mailbox event
    // says so: the list must drop them then, not at the next reconcile.
    if (changes.stream()
        .anyMatch(
            change ->
                change.kind().equals(Outbox.FETCHMAIL) || change.kind().equals(Outbox.MAILBOX))) {
      reconcile();
    }
  }

  @Override
  public void reconcile() throws JsonProcessingException {
    String value = json.writeValueAsString(accounts.accounts());
    connection.api().set(List.of(key, value)).await().atMost(timeout);
  }

  @Override
  public String redact(String message) {
    return connection.redact(message);
  }

  @Override
  public void close() {
    connection.close();
  }

  /** Type fetchmailmgr: the seed's fetchmailmgr container, for fetchmail accounts. */
  @ApplicationScoped
  static class Factory implements PushTargetFactory {
    @Inject Vertx vertx;
    @Inject FetchmailCompat accounts;
    @Inject ObjectMapper json;

    @Override
    public String type() {
      return "fetchmailmgr";
    }

    @Override
    public PushTarget create(PushConfig.Target target, String prefix) {
      return new FetchmailmgrTarget(
          vertx,
          PushTargetFactory.required(target.url(), prefix + "url"),
          target.key().orElse("fetchmail_accounts"),
          accounts,
          json,
          target.timeout());
    }
  }
}
