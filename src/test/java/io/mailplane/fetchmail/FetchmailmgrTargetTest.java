package io.mailplane.fetchmail;

import static io.mailplane.TestApi.admin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailplane.push.Outbox;
import io.mailplane.push.PushTarget;
import io.mailplane.push.PushTargets;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The optional fetchmailmgr push target writes the seed's JSON array to Redis. */
@QuarkusTest
class FetchmailmgrTargetTest {
  @Inject Vertx vertx;
  @Inject FetchmailCompat compat;
  @Inject ObjectMapper json;
  @Inject RedisDataSource redis;
  @Inject PushTargets targets;

  @Test
  void offByDefault() {
    assertTrue(
        targets.all().values().stream().noneMatch(t -> t.type().equals("fetchmailmgr")),
        "no fetchmailmgr target unless configured");
  }

  @Test
  void writesTheSeedFormatAndFollowsChanges() throws Exception {
    String key = "fetchmail_accounts_test_" + UUID.randomUUID();
    String mailbox = FetchmailResourceTest.mailbox();
    long id = enabledAccount(mailbox);
    try (PushTarget target = target(key)) {
      target.apply(List.of(new PushTarget.Change(Outbox.FETCHMAIL, Long.toString(id))));
      JsonNode entry = find(key, id);
      assertEquals("192.0.2.1", entry.get("host").asText());
      assertEquals("imap", entry.get("protocol").asText());
      assertEquals(143, entry.get("port").asInt());
      assertEquals("john.doe", entry.get("username").asText());
      assertEquals(FetchmailResourceTest.SECRET, entry.get("password").asText());
      assertEquals(mailbox, entry.get("user").asText());
      // starttls: fetchmailmgr's "no ssl" with the certificate check, which insists on STARTTLS.
      assertFalse(entry.get("ssl").asBoolean());
      assertTrue(entry.get("verifySsl").asBoolean());

      admin().delete("/api/v1/fetchmail-accounts/" + id).then().statusCode(204);
      target.apply(List.of(new PushTarget.Change(Outbox.FETCHMAIL, Long.toString(id))));
      assertEquals(null, find(key, id));
    } finally {
      admin().delete("/api/v1/fetchmail-accounts/" + id);
      redis.key().del(key);
    }
  }

  @Test
  void deletingTheMailboxDropsItsAccounts() throws Exception {
    String key = "fetchmail_accounts_test_" + UUID.randomUUID();
    String mailbox = FetchmailResourceTest.mailbox();
    long id = enabledAccount(mailbox);
    try (PushTarget target = target(key)) {
      target.apply(List.of(new PushTarget.Change(Outbox.FETCHMAIL, Long.toString(id))));
      assertTrue(find(key, id) != null);
      // The account goes with its mailbox (cascade); only a mailbox event reports it.
      admin().delete("/api/v1/mailboxes/" + mailbox).then().statusCode(204);
      target.apply(List.of(new PushTarget.Change(io.mailplane.push.Outbox.MAILBOX, mailbox)));
      assertEquals(null, find(key, id));
    } finally {
      redis.key().del(key);
    }
  }

  /** An enabled account whose scheduled runs just fail: 192.0.2.1 (TEST-NET) never answers. */
  private static long enabledAccount(String mailbox) {
    Map<String, Object> body = FetchmailResourceTest.body(mailbox);
    body.put("enabled", true);
    body.put("intervalSeconds", 3600);
    body.put("host", "192.0.2.1");
    return FetchmailApi.create(body);
  }

  private PushTarget target(String key) {
    String url =
        org.eclipse.microprofile.config.ConfigProvider.getConfig()
            .getValue("quarkus.redis.hosts", String.class);
    return new FetchmailmgrTarget(vertx, url, key, compat, json, Duration.ofSeconds(5));
  }

  private JsonNode find(String key, long id) throws Exception {
    String value = redis.value(String.class).get(key);
    for (JsonNode entry : json.readTree(value)) {
      if (entry.get("id").asLong() == id) {
        return entry;
      }
    }
    return null;
  }
}
