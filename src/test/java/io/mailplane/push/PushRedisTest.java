package io.mailplane.push;

import static io.mailplane.TestApi.admin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.TestApi;
import io.quarkus.narayana.jta.QuarkusTransaction;
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

  @Inject Outbox outbox;
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
  void dkimEventSetsAndRemovesTheDomainsFieldsOnly() {
    String domain = TestApi.uniqueDomain();
    TestDkimKeys.KEYS.put(domain, Map.of("a." + domain, "KEY-A", "b." + domain, "KEY-B"));
    dkimEvent(domain);
    awaitHash(h -> "KEY-A".equals(h.get("a." + domain)) && "KEY-B".equals(h.get("b." + domain)));

    // A subdomain's key ends in ".<domain>" too; it must survive the parent's event.
    redis.hset(HASH, "s.sub." + domain, "SUB-KEY");
    TestDkimKeys.KEYS.put(domain, Map.of("c." + domain, "KEY-C", "b." + domain, "KEY-B2"));
    dkimEvent(domain);
    Map<String, String> hash =
        awaitHash(h -> "KEY-C".equals(h.get("c." + domain)) && !h.containsKey("a." + domain));
    assertEquals("KEY-B2", hash.get("b." + domain));
    assertEquals("SUB-KEY", hash.get("s.sub." + domain));

    TestDkimKeys.KEYS.remove(domain);
    dkimEvent(domain);
    hash = awaitHash(h -> !h.containsKey("c." + domain) && !h.containsKey("b." + domain));
    assertEquals("SUB-KEY", hash.get("s.sub." + domain));
  }

  @Test
  void reconcileRestoresAFlushedRedisAndDropsStrayFields() {
    String one = TestApi.uniqueDomain();
    String two = TestApi.uniqueDomain();
    TestDkimKeys.KEYS.put(one, Map.of("s1." + one, "K1"));
    TestDkimKeys.KEYS.put(two, Map.of("s2." + two, "K2", "s3." + two, "K3"));
    dkimEvent(one);
    awaitHash(h -> h.containsKey("s1." + one));

    redis.flushdb();
    redis.hset(HASH, "stray.gone.example", "OLD");
    admin().post("/api/v1/push/reconcile").then().statusCode(202);

    Map<String, String> wanted = new HashMap<>(new TestDkimKeys().allSigningKeys());
    Map<String, String> hash = awaitHash(h -> h.equals(wanted));
    assertEquals(wanted, hash);
    admin()
        .get("/api/v1/push/targets")
        .then()
        .statusCode(200)
        .body(
            "items.find { it.name == 'rspamd' }.lastReconcileAt",
            org.hamcrest.Matchers.notNullValue());
  }

  private void dkimEvent(String domain) {
    QuarkusTransaction.requiringNew().run(() -> outbox.record(Outbox.DKIM, domain));
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
