package io.mailplane.push;

import static io.mailplane.TestApi.admin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.TestApi;
import io.mailplane.api.OwnDaemons;
import io.mailplane.dkim.RspamdRedisTarget;
import io.mailplane.dkim.SigningKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.core.Vertx;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A target whose Redis goes away: writes go on, failures show, and nothing is lost. */
@QuarkusTest
class PushOutageTest {
  private static final String TARGET = "outage-test";

  @Inject PushTargets targets;
  @Inject SigningKeys signingKeys;
  @Inject Vertx vertx;
  @Inject Publisher publisher;

  @Test
  void changesMadeWhileTheTargetIsDownArriveWhenItReturns() throws Exception {
    // Its own Redis, so taking it down leaves the shared one to the other tests.
    Path redis = OwnDaemons.redisDirectory();
    String url = "redis://127.0.0.1:" + OwnDaemons.redisPort(redis) + "/0";
    try {
      OwnDaemons.startRedis(redis);
      targets.put(
          TARGET,
          new RspamdRedisTarget(
              vertx, url, "dkim_keys", "dkim_selectors", signingKeys, Duration.ofSeconds(2)));
      try (RedisHashes hashes = new RedisHashes(vertx, url)) {
        String before = enableDkim();
        awaitHash(hashes, RspamdRedisTarget.fields(signingKeys.of(before)));
      }

      OwnDaemons.stopRedis(redis);
      List<String> domains = List.of(enableDkim(), enableDkim());
      Instant started = Instant.now();
      String mailbox = "down@" + TestApi.createDomain();
      TestApi.createMailbox(mailbox, "outage-test-password");
      // Generous for a loaded machine (3 s failed there with nothing wrong): what this guards
      // against is a write that waits for the target to come back, which never finishes here.
      assertTrue(
          Duration.between(started, Instant.now()).toSeconds() < 30,
          "writes waited for the target");

      Map<String, Object> state = awaitFailure();
      assertNotNull(state.get("lastError"));
      assertTrue(((Number) state.get("pendingEvents")).longValue() >= domains.size());
      assertTrue(!state.get("lastError").toString().contains("password"));

      OwnDaemons.startRedis(redis);
      try (RedisHashes hashes = new RedisHashes(vertx, url)) {
        Map<String, String> wanted = new HashMap<>();
        for (String domain : domains) {
          wanted.putAll(RspamdRedisTarget.fields(signingKeys.of(domain)));
        }
        awaitHash(hashes, wanted);
        JsonPath status =
            admin().get("/api/v1/push/targets").then().statusCode(200).extract().jsonPath();
        Map<String, Object> recovered = status.getMap("items.find { it.name == '" + TARGET + "' }");
        assertEquals(0, ((Number) recovered.get("consecutiveFailures")).intValue());
      }
    } finally {
      // Also when an assertion failed: no redis-server is left running.
      targets.remove(TARGET);
      OwnDaemons.delete(redis);
    }
  }

  private Map<String, Object> awaitFailure() throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(10);
    while (Instant.now().isBefore(deadline)) {
      JsonPath status =
          admin().get("/api/v1/push/targets").then().statusCode(200).extract().jsonPath();
      Map<String, Object> state = status.getMap("items.find { it.name == '" + TARGET + "' }");
      if (((Number) state.get("consecutiveFailures")).intValue() > 0) {
        return state;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the target's failure never showed");
  }

  /** A new domain with DKIM on, through the API: its outbox event is what must arrive. */
  private static String enableDkim() {
    String domain = TestApi.createDomain();
    admin()
        .body(Map.of("selector", "s", "algorithm", "ed25519"))
        .put("/api/v1/domains/" + domain + "/dkim")
        .then()
        .statusCode(201);
    return domain;
  }

  private static void awaitHash(RedisHashes hashes, Map<String, String> wanted)
      throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(15);
    Map<String, String> hash = hashes.hash("dkim_keys");
    while (!hash.entrySet().containsAll(wanted.entrySet()) && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
      hash = hashes.hash("dkim_keys");
    }
    assertTrue(hash.entrySet().containsAll(wanted.entrySet()), "missing in Redis: " + wanted);
  }
}
