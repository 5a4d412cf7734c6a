package io.mailplane.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.commons.codec.digest.DigestUtils;
import org.junit.jupiter.api.Test;

/**
 * The in-progress marker belongs to the request that placed it: it is renewed while that request
 * runs longer than the marker's TTL (here 1 s), and a failing request deletes only its own marker,
 * never the one of a repeat that took the key after it.
 */
@QuarkusTest
@TestProfile(IdempotencyMarkerOwnerTest.OneSecond.class)
class IdempotencyMarkerOwnerTest {
  public static class OneSecond implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("mailplane.api.idempotency-in-progress-ttl", "1s");
    }
  }

  @Inject Idempotency idempotency;
  @Inject ApiConfig config;
  @Inject RedisDataSource redis;

  @Test
  void aRequestLongerThanTheMarkerTtlKeepsARepeatOut() {
    String key = UUID.randomUUID().toString();
    AtomicReference<ApiException> repeat = new AtomicReference<>();
    Response first =
        idempotency.execute(
            key,
            "owner-test",
            "/long",
            Map.of("a", 1),
            () -> {
              sleep(3_000); // three marker TTLs
              repeat.set(
                  assertThrows(
                      ApiException.class,
                      () ->
                          idempotency.execute(
                              key,
                              "owner-test",
                              "/long",
                              Map.of("a", 1),
                              () -> Response.status(201).build())));
              return Response.status(201).build();
            });
    assertEquals(201, first.getStatus());
    assertEquals(ProblemKind.IDEMPOTENCY_KEY_IN_USE, repeat.get().kind());
    redis.key().del(storeKey("owner-test", "/long", key));
  }

  @Test
  void aFailedRequestLeavesTheMarkerOfAnotherOwnerAlone() {
    String key = UUID.randomUUID().toString();
    String storeKey = storeKey("owner-test", "/fail", key);
    String others = "in-progress:" + UUID.randomUUID();
    // As if this request's marker had expired and a repeat had taken the key.
    failingRequest(key, () -> redis.execute("SET", storeKey, others, "PX", "60000"));
    assertEquals(others, redis.value(String.class).get(storeKey));
    ApiException inUse =
        assertThrows(
            ApiException.class,
            () ->
                idempotency.execute(
                    key, "owner-test", "/fail", Map.of("a", 1), () -> Response.ok().build()));
    assertEquals(ProblemKind.IDEMPOTENCY_KEY_IN_USE, inUse.kind());
    redis.key().del(storeKey);

    // Its own marker it does free, so the client's retry goes through at once.
    failingRequest(key, () -> {});
    assertTrue(!redis.key().exists(storeKey), "the failed request's own marker stayed");
  }

  /** A request on /fail whose action runs the given step and then fails. */
  private void failingRequest(String key, Runnable beforeFailing) {
    assertThrows(
        IllegalStateException.class,
        () ->
            idempotency.execute(
                key,
                "owner-test",
                "/fail",
                Map.of("a", 1),
                () -> {
                  beforeFailing.run();
                  throw new IllegalStateException("the action failed");
                }));
  }

  private String storeKey(String caller, String path, String key) {
    return config.idempotencyRedisPrefix()
        + DigestUtils.sha256Hex(caller + "\n" + path + "\n" + key);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
