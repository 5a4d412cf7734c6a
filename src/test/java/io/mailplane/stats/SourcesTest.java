package io.mailplane.stats;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A daemon that is down: refused at once, reported as unreachable, secrets kept out. */
class SourcesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static String closedUrl() throws Exception {
    try (ServerSocket probe = new ServerSocket(0)) {
      return "http://127.0.0.1:" + probe.getLocalPort();
    }
  }

  @Test
  void aRefusedConnectionIsUnreachable() throws Exception {
    String url = closedUrl();
    BoundedHttp http = new BoundedHttp(Duration.ofSeconds(20));
    RspamdSource rspamd =
        new RspamdSource(
            new StatsConfig.Rspamd() {
              @Override
              public Optional<String> url() {
                return Optional.of(url + "/");
              }

              @Override
              public Optional<String> password() {
                return Optional.of("s3cret-pw");
              }
            },
            10,
            http,
            JSON);
    BoundedHttp.Unreachable e = assertThrows(BoundedHttp.Unreachable.class, rspamd::fetch);
    assertTrue(e.getMessage().startsWith("rspamd /stat unreachable"), e.getMessage());
    assertFalse(rspamd.redact(e.getMessage() + " s3cret-pw").contains("s3cret-pw"));

    DovecotSource dovecot =
        new DovecotSource(
            new StatsConfig.Dovecot() {
              @Override
              public Optional<String> url() {
                return Optional.of(url + "/doveadm/v1");
              }

              @Override
              public Optional<String> apiKey() {
                return Optional.of("k3y");
              }

              @Override
              public boolean defineMetrics() {
                return true;
              }
            },
            http,
            JSON);
    assertThrows(BoundedHttp.Unreachable.class, dovecot::fetch);
    // The key as sent (base64 in the Authorization header) is redacted too.
    assertFalse(dovecot.redact("k3y azN5").contains("k3y"));
    assertFalse(dovecot.redact("k3y azN5").contains("azN5"));
  }
}
