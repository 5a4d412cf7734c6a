package io.mailplane.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailplane.common.InvalidValueException;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.commons.codec.digest.DigestUtils;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Idempotency-Key on POST: the first response for a key is stored (in Redis when configured, so
 * every replica replays it; in memory otherwise) and replayed for the same key and body.
 *
 * <p>While the first request runs, the key holds an in-progress marker that names its owner (a
 * random token): the marker's TTL is short so that a crashed request's key frees soon, and is
 * renewed while the request runs, so a request longer than the TTL keeps a repeat out; a failed
 * request deletes the marker only while it is still its own, never a later request's.
 */
@ApplicationScoped
public class Idempotency {
  private static final Logger LOG = Logger.getLogger(Idempotency.class);
  private static final String IN_PROGRESS = "in-progress";
  // Compare-and-act on the owner's marker, atomic in Redis.
  private static final String DELETE_IF_OWNED =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1])"
          + " else return 0 end";
  private static final String RENEW_IF_OWNED =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1],"
          + " ARGV[2]) else return 0 end";

  @Inject ApiConfig config;
  @Inject ObjectMapper json;
  @Inject Instance<RedisDataSource> redisInstance;

  private RedisDataSource redis;
  private final Map<String, Entry> memory = new ConcurrentHashMap<>();
  private final ScheduledExecutorService renewals =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "idempotency-marker-renewal");
            thread.setDaemon(true);
            return thread;
          });

  record Stored(String fingerprint, int status, Map<String, String> headers, String body) {}

  private record Entry(String value, Instant expires) {}

  @PostConstruct
  void init() {
    boolean configured =
        ConfigProvider.getConfig()
            .getOptionalValue("quarkus.redis.hosts", String.class)
            .isPresent();
    redis = configured ? redisInstance.get() : null;
  }

  @PreDestroy
  void stop() {
    renewals.shutdownNow();
  }

  /**
   * Runs the action once per (caller, key); replays its response for a repeat with the same body.
   *
   * @param key the Idempotency-Key header, or null to just run the action
   * @param caller the principal's id, so keys never collide across tokens
   */
  public Response execute(
      String key, String caller, String path, Object body, Supplier<Response> action) {
    if (key == null) {
      return action.get();
    }
    if (key.isEmpty() || key.length() > 255 || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
      throw ApiException.invalid("Idempotency-Key", "must be 1 to 255 visible ASCII characters");
    }
    String storeKey =
        config.idempotencyRedisPrefix() + DigestUtils.sha256Hex(caller + "\n" + path + "\n" + key);
    String fingerprint = DigestUtils.sha256Hex(write(body));
    String marker = IN_PROGRESS + ":" + UUID.randomUUID();
    if (!available(() -> putIfAbsent(storeKey, marker))) {
      String existing = available(() -> get(storeKey));
      if (existing == null || existing.startsWith(IN_PROGRESS)) {
        throw new ApiException(
            ProblemKind.IDEMPOTENCY_KEY_IN_USE,
            "a request with this Idempotency-Key is still being processed");
      }
      Stored stored = read(existing);
      if (!stored.fingerprint().equals(fingerprint)) {
        throw new ApiException(
            ProblemKind.IDEMPOTENCY_KEY_REUSED,
            "this Idempotency-Key was used with a different request body");
      }
      Response.ResponseBuilder replay =
          Response.status(stored.status())
              .entity(stored.body())
              .type(stored.status() >= 400 ? Problem.MEDIA_TYPE : "application/json")
              .header("Idempotency-Replayed", "true");
      stored.headers().forEach(replay::header);
      return replay.build();
    }
    Response response;
    ScheduledFuture<?> renewal = keepAlive(storeKey, marker);
    try {
      response = actionOf(action);
    } catch (ApiException e) {
      if (e.kind().status() < 500) {
        // A client error is a final answer for this key too.
        save(
            storeKey,
            fingerprint,
            ProblemMapper.response(e.kind(), e.getMessage(), e.errors(), e.headers(), path));
      } else {
        forget(storeKey, marker);
      }
      throw e;
    } catch (RuntimeException e) {
      forget(storeKey, marker);
      throw e;
    } finally {
      renewal.cancel(false);
    }
    try {
      save(storeKey, fingerprint, response);
    } catch (RuntimeException e) {
      // The change was made: the client gets its answer. Only a repeat of this request, which a
      // client that got the answer does not send, would run again.
      LOG.warnf("could not store the response for an Idempotency-Key: %s", e.toString());
    }
    return response;
  }

  /** The action, with a refused neutral value (common/) as the 400 it answers. */
  private static Response actionOf(Supplier<Response> action) {
    try {
      return action.get();
    } catch (InvalidValueException e) {
      throw ApiException.invalid(e);
    }
  }

  /**
   * Runs a store operation; an unreachable store answers 503 before the action ran, since going on
   * without it would silently drop the at-most-once guarantee the client asked for.
   */
  private static <T> T available(Supplier<T> operation) {
    try {
      return operation.get();
    } catch (ApiException e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.warnf("the idempotency store is unavailable: %s", e.toString());
      throw ApiException.unavailable(
          "the Idempotency-Key store is unavailable; nothing was done, retry later");
    }
  }

  /**
   * Frees the key after a failed action, if the marker is still this request's; if the store is
   * down, the marker's short TTL does.
   */
  private void forget(String storeKey, String marker) {
    try {
      deleteIfOwned(storeKey, marker);
    } catch (RuntimeException e) {
      LOG.warnf("could not free an Idempotency-Key: %s", e.toString());
    }
  }

  /**
   * Renews the marker's TTL at a third of it while the action runs; a failed renewal is retried.
   */
  private ScheduledFuture<?> keepAlive(String storeKey, String marker) {
    long period = Math.max(1, config.idempotencyInProgressTtl().toMillis() / 3);
    return renewals.scheduleAtFixedRate(
        () -> {
          try {
            renewIfOwned(storeKey, marker);
          } catch (RuntimeException e) {
            LOG.debugf("could not renew an Idempotency-Key marker: %s", e.toString());
          }
        },
        period,
        period,
        TimeUnit.MILLISECONDS);
  }

  private void save(String storeKey, String fingerprint, Response response) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (String name : List.of("Location", "ETag")) {
      String value = response.getHeaderString(name);
      if (value != null) {
        headers.put(name, value);
      }
    }
    set(
        storeKey,
        write(new Stored(fingerprint, response.getStatus(), headers, write(response.getEntity()))));
  }

  /** Places the in-progress marker, with its short TTL; the final response replaces it. */
  private boolean putIfAbsent(String key, String value) {
    Duration ttl = config.idempotencyInProgressTtl();
    if (redis != null) {
      return redis.execute("SET", key, value, "NX", "PX", Long.toString(ttl.toMillis())) != null;
    }
    purgeExpired();
    return memory.putIfAbsent(key, new Entry(value, Instant.now().plus(ttl))) == null;
  }

  private String get(String key) {
    if (redis != null) {
      return redis.value(String.class).get(key);
    }
    Entry entry = memory.get(key);
    return entry == null || entry.expires().isBefore(Instant.now()) ? null : entry.value();
  }

  private void set(String key, String value) {
    if (redis != null) {
      redis.value(String.class).set(key, value, new SetArgs().ex(config.idempotencyTtl()));
    } else {
      memory.put(key, new Entry(value, Instant.now().plus(config.idempotencyTtl())));
    }
  }

  private void deleteIfOwned(String key, String marker) {
    if (redis != null) {
      redis.execute("EVAL", DELETE_IF_OWNED, "1", key, marker);
    } else {
      memory.computeIfPresent(key, (k, entry) -> entry.value().equals(marker) ? null : entry);
    }
  }

  private void renewIfOwned(String key, String marker) {
    Duration ttl = config.idempotencyInProgressTtl();
    if (redis != null) {
      redis.execute("EVAL", RENEW_IF_OWNED, "1", key, marker, Long.toString(ttl.toMillis()));
    } else {
      memory.computeIfPresent(
          key,
          (k, entry) ->
              entry.value().equals(marker) ? new Entry(marker, Instant.now().plus(ttl)) : entry);
    }
  }

  private void purgeExpired() {
    Instant now = Instant.now();
    memory.entrySet().removeIf(entry -> entry.getValue().expires().isBefore(now));
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (Exception e) {
      throw new IllegalStateException("cannot serialize for idempotency", e);
    }
  }

  private Stored read(String value) {
    try {
      return json.readValue(value, Stored.class);
    } catch (Exception e) {
      throw new IllegalStateException("corrupt idempotency record", e);
    }
  }
}
