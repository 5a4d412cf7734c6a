package io.mailplane.dkim;

import io.mailplane.push.Outbox;
import io.mailplane.push.PushConfig;
import io.mailplane.push.PushTarget;
import io.mailplane.push.PushTargetFactory;
import io.mailplane.push.RedisTargetConnection;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Rspamd's DKIM keys, as dkim_signing with use_redis reads them per message: HGET
 * &lt;selector-prefix&gt; &lt;domain&gt; gives the selector, then HGET &lt;key-prefix&gt;
 * &lt;selector&gt;.&lt;domain&gt; the private key. The key is written before the selector points at
 * it, and the selector is removed before the key, so no mail is signed with a missing key. The
 * field format &lt;selector&gt;.&lt;domain&gt; is made here and nowhere else.
 *
 * <p>The hashes are shared: the seed's admin writes {@code dkim_keys} too, and its web container
 * rewrites its fields at every start. This target deletes only fields it wrote itself: each hash
 * has a Redis set {@code <hash>:mailplane-owned} of the fields mailplane wrote, added to before the
 * field is written and removed from after the field is deleted. A field mailplane never wrote is
 * never deleted, so starting mailplane next to a live stack changes nothing; a key the import
 * brings into mailplane becomes owned when it is pushed.
 */
public class RspamdRedisTarget implements PushTarget {
  /** Fields per HSET/HDEL/HSCAN round trip: keeps single commands small on a big install. */
  private static final int CHUNK = 500;

  /** Suffix of the set that records the fields of a hash mailplane wrote. */
  public static final String OWNED_SUFFIX = ":mailplane-owned";

  private final String hash;
  private final String selectors;
  private final SigningKeys keys;
  private final Duration timeout;
  private final RedisTargetConnection connection;
  private final RedisAPI redis;

  public RspamdRedisTarget(
      Vertx vertx, String url, String hash, String selectors, SigningKeys keys, Duration timeout) {
    this.hash = hash;
    this.selectors = selectors;
    this.keys = keys;
    this.timeout = timeout;
    this.connection = new RedisTargetConnection(vertx, url, timeout);
    this.redis = connection.api();
  }

  @Override
  public String type() {
    return "rspamd-redis";
  }

  @Override
  public void apply(List<Change> changes) {
    for (Change change : changes) {
      if (change.kind().equals(Outbox.DKIM)) {
        String domain = change.key();
        List<SigningKeys.Key> signing = keys.of(domain);
        Map<String, String> wanted = fields(signing);
        write(hash, wanted);
        Map<String, String> selector = selectors(signing);
        if (selector.isEmpty()) {
          removeOwnedExcept(selectors, Set.of(), domain, domain::equals);
        } else {
          write(selectors, selector);
        }
        // A selector never holds a dot here, so "*.<domain>" fields with a dotted remainder
        // belong to a subdomain and are left alone; the reconcile removes anything else.
        String suffix = "." + domain;
        removeOwnedExcept(
            hash,
            wanted.keySet(),
            "*" + suffix,
            field ->
                field.endsWith(suffix)
                    && field.length() > suffix.length()
                    && field.indexOf('.') == field.length() - suffix.length());
      }
    }
  }

  @Override
  public void reconcile() {
    List<SigningKeys.Key> signing = keys.all();
    Map<String, String> wanted = fields(signing);
    write(hash, wanted);
    Map<String, String> selector = selectors(signing);
    write(selectors, selector);
    removeOwnedExcept(selectors, selector.keySet(), "*", field -> true);
    removeOwnedExcept(hash, wanted.keySet(), "*", field -> true);
  }

  /** The key hash's fields: "selector.domain" → the private key as Rspamd reads it. */
  public static Map<String, String> fields(List<SigningKeys.Key> keys) {
    Map<String, String> fields = new LinkedHashMap<>();
    keys.forEach(key -> fields.put(key.selector() + "." + key.domain(), key.value()));
    return fields;
  }

  /** The selector hash's fields: domain → selector (one signing selector per domain). */
  private static Map<String, String> selectors(List<SigningKeys.Key> keys) {
    Map<String, String> selectorByDomain = new LinkedHashMap<>();
    keys.forEach(key -> selectorByDomain.put(key.domain(), key.selector()));
    return selectorByDomain;
  }

  /**
   * Records the fields as owned, then writes them: a crash in between leaves an owned name without
   * a field (deleting it later is a no-op), never a field of ours nobody would delete.
   */
  private void write(String hash, Map<String, String> fields) {
    List<String> owned = new ArrayList<>();
    List<String> args = new ArrayList<>();
    for (Map.Entry<String, String> field : fields.entrySet()) {
      if (args.isEmpty()) {
        owned.add(hash + OWNED_SUFFIX);
        args.add(hash);
      }
      owned.add(field.getKey());
      args.add(field.getKey());
      args.add(field.getValue());
      if (args.size() > 2 * CHUNK) {
        redis.sadd(owned).await().atMost(timeout);
        redis.hset(args).await().atMost(timeout);
        owned.clear();
        args.clear();
      }
    }
    if (!args.isEmpty()) {
      redis.sadd(owned).await().atMost(timeout);
      redis.hset(args).await().atMost(timeout);
    }
  }

  /**
   * Deletes the fields of the hash that mailplane wrote (its owned set, filtered by the glob and
   * the predicate) and no longer wants, then forgets them as owned. Fields of other writers are
   * never looked at.
   */
  private void removeOwnedExcept(
      String hash, Set<String> keep, String match, Predicate<String> selected) {
    String ownedSet = hash + OWNED_SUFFIX;
    Set<String> stale = new LinkedHashSet<>();
    String cursor = "0";
    do {
      Response page =
          redis
              .sscan(List.of(ownedSet, cursor, "MATCH", match, "COUNT", Integer.toString(CHUNK)))
              .await()
              .atMost(timeout);
      cursor = page.get(0).toString();
      for (Response member : page.get(1)) {
        String field = member.toString();
        if (selected.test(field) && !keep.contains(field)) {
          stale.add(field);
        }
      }
    } while (!cursor.equals("0"));
    List<String> fields = new ArrayList<>(stale);
    for (int from = 0; from < fields.size(); from += CHUNK) {
      List<String> chunk = fields.subList(from, Math.min(from + CHUNK, fields.size()));
      List<String> args = new ArrayList<>(chunk.size() + 1);
      args.add(hash);
      args.addAll(chunk);
      redis.hdel(args).await().atMost(timeout);
      args.set(0, ownedSet);
      redis.srem(args).await().atMost(timeout);
    }
  }

  @Override
  public String redact(String message) {
    return connection.redact(message);
  }

  @Override
  public void close() {
    connection.close();
  }

  /** Type rspamd-redis: Rspamd's DKIM keys, contributed by dkim so push knows no DKIM format. */
  @ApplicationScoped
  static class Factory implements PushTargetFactory {
    @Inject Vertx vertx;
    @Inject SigningKeys keys;

    @Override
    public String type() {
      return "rspamd-redis";
    }

    @Override
    public PushTarget create(PushConfig.Target target, String prefix) {
      return new RspamdRedisTarget(
          vertx,
          PushTargetFactory.required(target.url(), prefix + "url"),
          target.keyPrefix(),
          target.selectorPrefix(),
          keys,
          target.timeout());
    }
  }
}
