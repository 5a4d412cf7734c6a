package io.mailplane.push;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Rspamd's DKIM keys, as dkim_signing with use_redis reads them per message: HGET
 * &lt;selector-prefix&gt; &lt;domain&gt; gives the selector, then HGET &lt;key-prefix&gt;
 * &lt;selector&gt;.&lt;domain&gt; the private key. The key is written before the selector points at
 * it, and the selector is removed before the key, so no mail is signed with a missing key.
 */
class RspamdRedisTarget implements PushTarget {
  /** Fields per HSET/HDEL/HSCAN round trip: keeps single commands small on a big install. */
  private static final int CHUNK = 500;

  private final String hash;
  private final String selectors;
  private final DkimKeys keys;
  private final Duration timeout;
  private final RedisTargetConnection connection;
  private final RedisAPI redis;

  RspamdRedisTarget(
      Vertx vertx, String url, String hash, String selectors, DkimKeys keys, Duration timeout) {
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
        Map<String, String> wanted = keys.signingKeys(domain);
        write(hash, wanted);
        Map<String, String> selector = selectorsOf(wanted);
        if (selector.isEmpty()) {
          redis.hdel(List.of(selectors, domain)).await().atMost(timeout);
        } else {
          write(selectors, selector);
        }
        // A selector never holds a dot here, so "*.<domain>" fields with a dotted remainder
        // belong to a subdomain and are left alone; the reconcile removes anything else.
        String suffix = "." + domain;
        removeFieldsExcept(
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
    Map<String, String> wanted = keys.allSigningKeys();
    write(hash, wanted);
    Map<String, String> selector = selectorsOf(wanted);
    write(selectors, selector);
    removeFieldsExcept(selectors, selector.keySet(), "*", field -> true);
    removeFieldsExcept(hash, wanted.keySet(), "*", field -> true);
  }

  /** Domain → selector from "selector.domain" fields (one signing selector per domain). */
  private static Map<String, String> selectorsOf(Map<String, String> keyFields) {
    Map<String, String> selectorByDomain = new java.util.LinkedHashMap<>();
    for (String field : keyFields.keySet()) {
      int dot = field.indexOf('.');
      selectorByDomain.put(field.substring(dot + 1), field.substring(0, dot));
    }
    return selectorByDomain;
  }

  private void write(String hash, Map<String, String> fields) {
    List<String> args = new ArrayList<>();
    for (Map.Entry<String, String> field : fields.entrySet()) {
      if (args.isEmpty()) {
        args.add(hash);
      }
      args.add(field.getKey());
      args.add(field.getValue());
      if (args.size() > 2 * CHUNK) {
        redis.hset(args).await().atMost(timeout);
        args.clear();
      }
    }
    if (!args.isEmpty()) {
      redis.hset(args).await().atMost(timeout);
    }
  }

  private void removeFieldsExcept(
      String hash, Set<String> keep, String match, Predicate<String> owned) {
    Set<String> stale = new LinkedHashSet<>();
    String cursor = "0";
    do {
      Response page =
          redis
              .hscan(List.of(hash, cursor, "MATCH", match, "COUNT", Integer.toString(CHUNK)))
              .await()
              .atMost(timeout);
      cursor = page.get(0).toString();
      Response entries = page.get(1);
      for (int i = 0; i < entries.size(); i += 2) {
        String field = entries.get(i).toString();
        if (owned.test(field) && !keep.contains(field)) {
          stale.add(field);
        }
      }
    } while (!cursor.equals("0"));
    List<String> args = new ArrayList<>();
    for (String field : stale) {
      if (args.isEmpty()) {
        args.add(hash);
      }
      args.add(field);
      if (args.size() > CHUNK) {
        redis.hdel(args).await().atMost(timeout);
        args.clear();
      }
    }
    if (!args.isEmpty()) {
      redis.hdel(args).await().atMost(timeout);
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

  /** Type rspamd-redis: Rspamd's DKIM keys. */
  @ApplicationScoped
  static class Factory implements PushTargetFactory {
    @Inject Vertx vertx;
    @Inject Instance<DkimKeys> keys;

    @Override
    public String type() {
      return "rspamd-redis";
    }

    @Override
    public PushTarget create(PushConfig.Target target, String prefix) {
      if (!keys.isResolvable()) {
        throw new IllegalStateException(prefix + "type: rspamd-redis needs the dkim feature");
      }
      return new RspamdRedisTarget(
          vertx,
          PushTargetFactory.required(target.url(), prefix + "url"),
          target.keyPrefix(),
          target.selectorPrefix(),
          keys.get(),
          target.timeout());
    }
  }
}
