package io.mailplane.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailplane.dkim.RspamdRedisTarget;
import io.mailplane.dkim.SigningKeys;
import io.mailplane.fetchmail.FetchmailCompat;
import io.mailplane.fetchmail.FetchmailmgrTarget;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, item 3: mailplane started next to a live seed stack changes nothing in its Redis. The
 * seed's keys (its admin's dkim_keys fields and fetchmail list, fetchmailmgr's and Rspamd's own
 * keys) are written under a prefix of this test in the real push Redis, the push targets run their
 * start-up reconcile and a change against them, and every key's DUMP is compared before and after.
 */
@QuarkusTest
class SeedCoexistenceTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @Inject Vertx vertx;
  @Inject FetchmailCompat fetchmailCompat;
  @Inject ObjectMapper json;

  @ConfigProperty(name = "mailplane.push.targets.rspamd.url")
  String url;

  private String prefix;
  private Redis redis;

  @BeforeEach
  void seedStack() {
    prefix = "seed-" + UUID.randomUUID() + ":";
    redis = Redis.createClient(vertx, url);
    // What the seed's admin writes (MapGenerator: HMSET dkim_keys, selector "dkim"; AccountWriter:
    // SET fetchmail_accounts) and what fetchmailmgr and Rspamd keep beside it.
    call(
        "HSET",
        prefix + "dkim_keys",
        "dkim.one.example",
        pem("one"),
        "dkim.two.example",
        pem("two"),
        "dkim.sub.two.example",
        pem("sub"),
        "dkim.three.example",
        pem("three"));
    call(
        "SET",
        prefix + "fetchmail_accounts",
        "[{\"id\":1,\"host\":\"pop.example.net\",\"protocol\":\"pop3\",\"port\":110,"
            + "\"username\":\"u\",\"password\":\"p\",\"user\":\"a@one.example\","
            + "\"ssl\":false,\"verifySsl\":true}]");
    call("SET", prefix + "fetchmail_accounts_runtime_1", "{\"lastRun\":1700000000}");
    call("HSET", prefix + "BAYES_SPAM", "learns", "12");
    call("SADD", prefix + "RS_fuzzy_set", "a", "b");
    call("RPUSH", prefix + "rs_history", "x", "y");
  }

  @AfterEach
  void cleanUp() {
    for (String key : dumpAll().keySet()) {
      call("DEL", key);
    }
    redis.close();
  }

  @Test
  void startingNextToALiveStackChangesNothing() throws Exception {
    Map<String, String> before = dumpAll();
    assertEquals(6, before.size());

    try (RspamdRedisTarget rspamd = rspamd(new MailplaneKeys(Map.of()));
        FetchmailmgrTarget fetchmailmgr = fetchmailmgr()) {
      rspamd.reconcile();
      rspamd.apply(List.of(new PushTarget.Change(Outbox.DKIM, "two.example")));
      IOException refused = assertThrows(IOException.class, fetchmailmgr::reconcile);
      assertTrue(refused.getMessage().contains("did not write"), refused.getMessage());
      assertThrows(
          IOException.class,
          () -> fetchmailmgr.apply(List.of(new PushTarget.Change(Outbox.FETCHMAIL, "1"))));
    }

    assertEquals(before, dumpAll());
  }

  @Test
  void mailplaneDeletesOnlyWhatItWrote() throws Exception {
    Map<String, String> seed = dumpAll();
    MailplaneKeys keys = new MailplaneKeys(Map.of("m1.mine.example", pem("mine")));
    try (RspamdRedisTarget rspamd = rspamd(keys)) {
      rspamd.reconcile();
      Map<String, String> hash = hash(prefix + "dkim_keys");
      assertEquals(pem("mine"), hash.get("m1.mine.example"));
      assertEquals(pem("one"), hash.get("dkim.one.example"));

      // Rotated in mailplane: the old field goes, the seed's fields of other domains stay.
      keys.now = Map.of("m2.mine.example", pem("mine2"));
      rspamd.apply(List.of(new PushTarget.Change(Outbox.DKIM, "mine.example")));
      hash = hash(prefix + "dkim_keys");
      assertFalse(hash.containsKey("m1.mine.example"));
      assertEquals(pem("mine2"), hash.get("m2.mine.example"));

      // The import adopts a seed key (the same bytes under the seed's selector): from then on it is
      // mailplane's, and disabling DKIM in mailplane removes it.
      keys.now = Map.of("m2.mine.example", pem("mine2"), "dkim.one.example", pem("one"));
      rspamd.reconcile();
      keys.now = Map.of();
      rspamd.reconcile();
      hash = hash(prefix + "dkim_keys");
      assertFalse(hash.containsKey("m2.mine.example"));
      assertFalse(hash.containsKey("dkim.one.example"));
      assertEquals(pem("two"), hash.get("dkim.two.example"));
      assertEquals(pem("sub"), hash.get("dkim.sub.two.example"));
      assertEquals(pem("three"), hash.get("dkim.three.example"));
    }
    // Everything but the adopted field is as the seed left it.
    Map<String, String> after = dumpAll();
    assertEquals(
        without(seed, prefix + "dkim_keys"),
        without(after, prefix + "dkim_keys"),
        "keys other than dkim_keys");
  }

  @Test
  void fetchmailmgrListIsWrittenOnceHandedOver() throws Exception {
    try (FetchmailmgrTarget fetchmailmgr = fetchmailmgr()) {
      assertThrows(IOException.class, fetchmailmgr::reconcile);
      // The administrator stops the seed's admin and deletes the key: mailplane takes it over and
      // keeps writing it, until someone else writes it again.
      call("DEL", prefix + "fetchmail_accounts");
      fetchmailmgr.reconcile();
      String ours = call("GET", prefix + "fetchmail_accounts").toString();
      assertTrue(ours.startsWith("["), ours);
      fetchmailmgr.reconcile();
      String theirs = "[{\"id\":99,\"host\":\"imap.example.org\"}]";
      call("SET", prefix + "fetchmail_accounts", theirs);
      assertThrows(IOException.class, fetchmailmgr::reconcile);
      assertEquals(theirs, call("GET", prefix + "fetchmail_accounts").toString());
    }
  }

  private RspamdRedisTarget rspamd(SigningKeys keys) {
    return new RspamdRedisTarget(
        vertx, url, prefix + "dkim_keys", prefix + "dkim_selectors", keys, TIMEOUT);
  }

  private FetchmailmgrTarget fetchmailmgr() {
    return new FetchmailmgrTarget(
        vertx, url, prefix + "fetchmail_accounts", fetchmailCompat, json, TIMEOUT);
  }

  /** Every key of this test's seed, as DUMP gives it (type, encoding and content). */
  private Map<String, String> dumpAll() {
    Map<String, String> dumps = new TreeMap<>();
    String cursor = "0";
    do {
      Response page = call("SCAN", cursor, "MATCH", prefix + "*", "COUNT", "1000");
      cursor = page.get(0).toString();
      for (Response key : page.get(1)) {
        byte[] dump = call("DUMP", key.toString()).toBytes();
        dumps.put(key.toString(), Base64.getEncoder().encodeToString(dump));
      }
    } while (!cursor.equals("0"));
    return dumps;
  }

  private Map<String, String> hash(String key) {
    Response all = call("HGETALL", key);
    Map<String, String> fields = new TreeMap<>();
    try {
      for (String field : all.getKeys()) {
        fields.put(field, all.get(field).toString());
      }
    } catch (UnsupportedOperationException flat) {
      for (int i = 0; i + 1 < all.size(); i += 2) {
        fields.put(all.get(i).toString(), all.get(i + 1).toString());
      }
    }
    return fields;
  }

  private static Map<String, String> without(Map<String, String> map, String key) {
    Map<String, String> copy = new TreeMap<>(map);
    copy.remove(key);
    return copy;
  }

  private Response call(String command, String... args) {
    Request request = Request.cmd(Command.create(command));
    for (String arg : args) {
      request.arg(arg);
    }
    return redis.send(request).await().atMost(TIMEOUT);
  }

  private static String pem(String name) {
    return "-----BEGIN PRIVATE KEY-----\n" + name + "\n-----END PRIVATE KEY-----\n";
  }

  /**
   * What mailplane's database holds (named so: a stand-in for DkimService, whose real keys other
   * tests push): empty = nothing imported yet.
   */
  private static final class MailplaneKeys extends SigningKeys {
    volatile Map<String, String> now;

    MailplaneKeys(Map<String, String> now) {
      this.now = now;
    }

    @Override
    public List<Key> of(String domain) {
      return all().stream().filter(key -> key.domain().equals(domain)).toList();
    }

    @Override
    public List<Key> all() {
      return now.entrySet().stream()
          .map(
              field -> {
                String name = field.getKey();
                int dot = name.indexOf('.');
                return new Key(name.substring(dot + 1), name.substring(0, dot), field.getValue());
              })
          .toList();
    }
  }
}
