package io.mailplane.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.codec.digest.DigestUtils;
import org.junit.jupiter.api.Test;

/**
 * The in-progress marker of an Idempotency-Key lives only briefly, so a request whose process died
 * (leaving its marker behind) can be retried soon rather than after the response TTL.
 */
@QuarkusTest
class IdempotencyMarkerTest {
  @Inject Idempotency idempotency;
  @Inject ApiConfig config;
  @Inject RedisDataSource redis;

  /** Stands for the process dying mid-request: no handler runs, the marker stays. */
  private static final class Crash extends Error {}

  @Test
  void theInProgressMarkerOutlivesACrashOnlyBriefly() {
    String key = UUID.randomUUID().toString();
    String storeKey = storeKey("crash-test", "/crash", key);
    AtomicLong markerTtl = new AtomicLong();
    assertThrows(
        Crash.class,
        () ->
            idempotency.execute(
                key,
                "crash-test",
                "/crash",
                Map.of("a", 1),
                () -> {
                  markerTtl.set(pttl(storeKey));
                  throw new Crash();
                }));
    long bound = config.idempotencyInProgressTtl().toMillis();
    assertTrue(markerTtl.get() > 0 && markerTtl.get() <= bound, "marker TTL " + markerTtl);
    long left = pttl(storeKey);
    assertTrue(left > 0 && left <= bound, "the marker left behind lives " + left + " ms");
    assertTrue(bound <= 5 * 60_000, "in-progress TTL " + bound + " ms is not short");

    // Meanwhile a retry is told the key is in use; once the marker expired it goes through.
    ApiException inUse =
        assertThrows(
            ApiException.class,
            () ->
                idempotency.execute(
                    key, "crash-test", "/crash", Map.of("a", 1), () -> Response.ok().build()));
    assertEquals(ProblemKind.IDEMPOTENCY_KEY_IN_USE, inUse.kind());
    redis.execute("PEXPIRE", storeKey, "1");
    awaitGone(storeKey);
    Response retried =
        idempotency.execute(
            key, "crash-test", "/crash", Map.of("a", 1), () -> Response.status(201).build());
    assertEquals(201, retried.getStatus());
    // The final response keeps the full TTL.
    assertTrue(pttl(storeKey) > bound, "the stored response expires with the marker's TTL");
    redis.key().del(storeKey);
  }

  private String storeKey(String caller, String path, String key) {
    return config.idempotencyRedisPrefix()
        + DigestUtils.sha256Hex(caller + "\n" + path + "\n" + key);
  }

  private long pttl(String storeKey) {
    return redis.execute("PTTL", storeKey).toLong();
  }

  private void awaitGone(String storeKey) {
    for (int i = 0; i < 100 && redis.key().exists(storeKey); i++) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
