package io.mailplane.push;

import static io.mailplane.TestApi.admin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.TestApi;
import io.mailplane.dkim.RspamdRedisTarget;
import io.mailplane.dkim.SigningKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The rspamd-redis target against the real Redis db the test profile configures. */
@QuarkusTest
class PushRedisTest {
  private static final String HASH = "dkim_keys";

  @Inject SigningKeys signingKeys;
  @Inject Vertx vertx;

  @ConfigProperty(name = "mailplane.push.targets.rspamd.url")
  String url;

  private RedisHashes redis;

  @BeforeEach
  void connect() {
    redis = new RedisHashes(vertx, url);
  }

  @AfterEach
  void close() {
    redis.close();
  }

  @Test
  void dkimChangesThroughTheApiSetAndRemoveTheDomainsFieldsOnly() {
    String domain = TestApi.createDomain();
    admin()
        .body(Map.of("selector", "a"))
        .put("/api/v1/domains/" + domain + "/dkim")
        .then()
        .statusCode(201);
    awaitHash(
        h ->
            RspamdRedisTarget.fields(signingKeys.of(domain))
                .get("a." + domain)
                .equals(h.get("a." + domain)));
    assertTrue(redis.hash(HASH).get("a." + domain).startsWith("-----BEGIN PRIVATE KEY-----"));

    // A subdomain's key ends in ".<domain>" too; it must survive the parent's event.
    redis.hset(HASH, "s.sub." + domain, "SUB-KEY");
    admin()
        .body(Map.of("selector", "c"))
        .post("/api/v1/domains/" + domain + "/dkim/rotate")
        .then()
        .statusCode(200);
    Map<String, String> hash =
        awaitHash(h -> h.containsKey("c." + domain) && !h.containsKey("a." + domain));
    assertEquals(
        RspamdRedisTarget.fields(signingKeys.of(domain)).get("c." + domain),
        hash.get("c." + domain));
    assertEquals("SUB-KEY", hash.get("s.sub." + domain));

    admin().delete("/api/v1/domains/" + domain + "/dkim").then().statusCode(204);
    hash = awaitHash(h -> !h.containsKey("c." + domain));
    assertEquals("SUB-KEY", hash.get("s.sub." + domain));
    redis.hdel(HASH, "s.sub." + domain);
  }

  @Test
  void reconcileRestoresAFlushedRedisAndDropsStrayFields() {
    String one = TestApi.createDomain();
    String two = TestApi.createDomain();
    admin()
        .body(Map.of("selector", "s1"))
        .put("/api/v1/domains/" + one + "/dkim")
        .then()
        .statusCode(201);
    admin()
        .body(Map.of("selector", "s2", "algorithm", "ed25519"))
        .put("/api/v1/domains/" + two + "/dkim")
        .then()
        .statusCode(201);
    awaitHash(h -> h.containsKey("s1." + one) && h.containsKey("s2." + two));

    redis.flushdb();
    // A field mailplane never wrote (the seed's admin writes this hash too) is left alone; one it
    // wrote and no longer wants goes.
    redis.hset(HASH, "stray.gone.example", "OLD");
    redis.hset(HASH, "retired.gone.example", "OURS");
    redis.sadd(HASH + RspamdRedisTarget.OWNED_SUFFIX, "retired.gone.example");
    admin().post("/api/v1/push/reconcile").then().statusCode(202);

    Map<String, String> wanted = new HashMap<>(RspamdRedisTarget.fields(signingKeys.all()));
    wanted.put("stray.gone.example", "OLD");
    Map<String, String> hash = awaitHash(h -> h.equals(wanted));
    assertEquals(wanted, hash);
    redis.hdel(HASH, "stray.gone.example");
    admin()
        .get("/api/v1/push/targets")
        .then()
        .statusCode(200)
        .body(
            "items.find { it.name == 'rspamd' }.lastReconcileAt",
            org.hamcrest.Matchers.notNullValue());
  }

  private Map<String, String> awaitHash(Predicate<Map<String, String>> done) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    Map<String, String> hash = redis.hash(HASH);
    while (!done.test(hash) && Instant.now().isBefore(deadline)) {
      sleep(50);
      hash = redis.hash(HASH);
    }
    assertTrue(done.test(hash), "Redis hash never reached the expected state: " + hash.keySet());
    return hash;
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
