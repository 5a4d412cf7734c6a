package io.mailplane.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A target's Redis password never reaches lastError, in the form the URL has it or decoded. */
class RedisTargetConnectionTest {
  private static final Vertx VERTX = Vertx.vertx();

  @AfterAll
  static void close() {
    VERTX.closeAndAwait();
  }

  private static String redact(String url, String message) {
    try (RedisTargetConnection connection =
        new RedisTargetConnection(VERTX, url, Duration.ofSeconds(1))) {
      return connection.redact(message);
    }
  }

  @Test
  void removesThePasswordAsWrittenAndDecoded() {
    String url = "redis://:s3cr%40t%2Bpw@redis.internal:6379/1";
    assertEquals(
        "WRONGPASS for *** (url redis://:***@redis.internal:6379/1)",
        redact(url, "WRONGPASS for s3cr@t+pw (url " + url + ")"));
    assertEquals(
        "auth *** failed", redact("redis://default:plain-pw@127.0.0.1/0", "auth plain-pw failed"));
  }

  @Test
  void removesAPasswordGivenAsQueryParameter() {
    assertEquals(
        "NOAUTH *** and ***",
        redact("redis://127.0.0.1:6379/0?password=a+b%21", "NOAUTH a+b! and a b!"));
  }

  @Test
  void leavesMessagesAloneWithoutAPassword() {
    assertEquals("refused", redact("redis://127.0.0.1:6379/0", "refused"));
    assertEquals("refused", redact("redis://user@127.0.0.1:6379/0", "refused"));
    assertNull(redact("redis://:pw@127.0.0.1:6379/0", null));
  }
}
