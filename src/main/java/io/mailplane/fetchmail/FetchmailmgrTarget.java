package io.mailplane.fetchmail;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailplane.push.Outbox;
import io.mailplane.push.PushConfig;
import io.mailplane.push.PushTarget;
import io.mailplane.push.PushTargetFactory;
import io.mailplane.push.RedisTargetConnection;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Push target {@code fetchmailmgr} (off unless configured): writes the accounts to the Redis key
 * the seed's fetchmailmgr container reads, a JSON array. The format is one blob, so every change
 * rewrites it whole from the database (idempotent, like every push). A list mailplane did not write
 * (the seed's admin keeps its own there) is never overwritten: the target fails with a reason
 * instead, until the administrator hands the key over.
 */
public class FetchmailmgrTarget implements PushTarget {
  /** Suffix of the key holding the SHA-1 of the value mailplane last wrote. */
  static final String OWNER_SUFFIX = ":mailplane-sha1";

  /**
   * Writes KEYS[1] only when it is absent or still holds what mailplane wrote last (its SHA-1 in
   * KEYS[2]), atomically: the seed's admin rewrites the same key whenever one of its accounts
   * changes, and overwriting that would stop or change every fetch of the live stack.
   */
  private static final String COMPARE_AND_SET =
      "local current = redis.call('GET', KEYS[1])\n"
          + "if current and redis.sha1hex(current) ~= redis.call('GET', KEYS[2]) then\n"
          + "  return 0\n"
          + "end\n"
          + "redis.call('SET', KEYS[1], ARGV[1])\n"
          + "redis.call('SET', KEYS[2], redis.sha1hex(ARGV[1]))\n"
          + "return 1\n";

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
  public void apply(List<Change> changes) throws IOException {
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
  public void reconcile() throws IOException {
    String value = json.writeValueAsString(accounts.accounts());
    Response written =
        connection
            .api()
            .eval(List.of(COMPARE_AND_SET, "2", key, key + OWNER_SUFFIX, value))
            .await()
            .atMost(timeout);
    if (written.toInteger() != 1) {
      throw new IOException(
          "Redis key '"
              + key
              + "' holds an account list mailplane did not write (the seed's admin writes it"
              + " too); left as it is. To hand fetchmailmgr over to mailplane, stop the seed's"
              + " admin and delete the key");
    }
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
