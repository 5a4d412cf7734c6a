package io.mailplane.fetchmail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailplane.push.Outbox;
import io.mailplane.push.PushTarget;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.net.URI;
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
  private final String password;
  private final Redis client;
  private final RedisAPI redis;

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
    String userInfo = URI.create(url).getRawUserInfo();
    this.password = userInfo == null ? null : userInfo.substring(userInfo.indexOf(':') + 1);
    RedisOptions options = new RedisOptions().setConnectionString(url).setMaxPoolSize(1);
    options.getNetClientOptions().setConnectTimeout((int) timeout.toMillis());
    this.client = Redis.createClient(vertx, options);
    this.redis = RedisAPI.api(client);
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
                change.kind().equals(FetchmailCompat.KIND)
                    || change.kind().equals(Outbox.MAILBOX))) {
      reconcile();
    }
  }

  @Override
  public void reconcile() throws JsonProcessingException {
    String value = json.writeValueAsString(accounts.accounts());
    redis.set(List.of(key, value)).await().atMost(timeout);
  }

  @Override
  public String redact(String message) {
    return password == null || password.isEmpty() || message == null
        ? message
        : message.replace(password, "[redacted]");
  }

  @Override
  public void close() {
    client.close();
  }
}
