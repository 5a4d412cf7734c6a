package io.mailplane.push;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The Redis connection of a push target (rspamd-redis, fetchmailmgr): its own small pool apart from
 * the application's Redis client, since a target's Redis is often another server, and the redaction
 * of the URL's password from whatever error reaches the target's lastError.
 */
public final class RedisTargetConnection implements AutoCloseable {
  private final Redis client;
  private final RedisAPI api;
  private final List<String> secrets;

  public RedisTargetConnection(Vertx vertx, String url, Duration timeout) {
    RedisOptions options =
        new RedisOptions()
            .setConnectionString(url)
            .setMaxPoolSize(1)
            .setMaxPoolWaiting(8)
            .setPoolRecycleTimeout((int) timeout.toMillis());
    options.getNetClientOptions().setConnectTimeout((int) timeout.toMillis());
    this.client = Redis.createClient(vertx, options);
    this.api = RedisAPI.api(client);
    this.secrets = passwordForms(url);
  }

  public RedisAPI api() {
    return api;
  }

  /** The message without the password, as written in the URL or percent-decoded. */
  public String redact(String message) {
    if (message == null) {
      return null;
    }
    String redacted = message;
    for (String secret : secrets) {
      redacted = redacted.replace(secret, "***");
    }
    return redacted;
  }

  /**
   * The password of the user-info part and of a {@code password=} query parameter (both are read by
   * Vert.x), each as written and decoded with '+' kept and as a space.
   */
  private static List<String> passwordForms(String url) {
    URI uri = URI.create(url);
    List<String> raw = new ArrayList<>();
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null && userInfo.indexOf(':') >= 0) {
      raw.add(userInfo.substring(userInfo.indexOf(':') + 1));
    }
    String query = uri.getRawQuery();
    if (query != null) {
      for (String parameter : query.split("&")) {
        if (parameter.startsWith("password=")) {
          raw.add(parameter.substring("password=".length()));
        }
      }
    }
    return raw.stream()
        .filter(secret -> !secret.isEmpty())
        .flatMap(
            secret ->
                Stream.of(
                    secret,
                    URLDecoder.decode(secret.replace("+", "%2B"), StandardCharsets.UTF_8),
                    URLDecoder.decode(secret, StandardCharsets.UTF_8)))
        .distinct()
        // Longest first, so a form containing another is replaced whole.
        .sorted((a, b) -> b.length() - a.length())
        .toList();
  }

  @Override
  public void close() {
    client.close();
  }
}
