package io.mailplane.push;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads and writes the Redis a test target points at, as Rspamd (or an outage) would. */
final class RedisHashes implements AutoCloseable {
  private final Redis client;
  private final RedisAPI redis;

  RedisHashes(Vertx vertx, String url) {
    client = Redis.createClient(vertx, new RedisOptions().setConnectionString(url));
    redis = RedisAPI.api(client);
  }

  Map<String, String> hash(String key) {
    Response all = redis.hgetall(key).await().atMost(Duration.ofSeconds(5));
    Map<String, String> fields = new TreeMap<>();
    // RESP3 answers HGETALL with a map, RESP2 with a flat array of field, value pairs.
    Iterable<String> keys;
    try {
      keys = all.getKeys();
    } catch (UnsupportedOperationException flat) {
      keys = null;
    }
    if (keys != null) {
      for (String field : keys) {
        fields.put(field, all.get(field).toString());
      }
    } else {
      for (int i = 0; i + 1 < all.size(); i += 2) {
        fields.put(all.get(i).toString(), all.get(i + 1).toString());
      }
    }
    return fields;
  }

  void hset(String key, String field, String value) {
    redis.hset(List.of(key, field, value)).await().atMost(Duration.ofSeconds(5));
  }

  void hdel(String key, String field) {
    redis.hdel(List.of(key, field)).await().atMost(Duration.ofSeconds(5));
  }

  void sadd(String key, String member) {
    redis.sadd(List.of(key, member)).await().atMost(Duration.ofSeconds(5));
  }

  void flushdb() {
    redis.flushdb(List.of()).await().atMost(Duration.ofSeconds(5));
  }

  @Override
  public void close() {
    client.close();
  }
}
