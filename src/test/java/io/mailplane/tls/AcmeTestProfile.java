package io.mailplane.tls;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The ACME tests' world (deploy/local/acme-services.sh and mail-services.sh): Pebble's HTTPS
 * trusted, HTTP-01 answered on port 5002 (plus the copy's offset) where Pebble validates, DNS-01
 * against the test BIND, the TLS volume that Postfix (127.0.0.1:2526) and Dovecot (127.0.0.2)
 * serve, and a postfix reload command target beside the doveadm one. Short backoffs so retries
 * happen within a test.
 */
public class AcmeTestProfile implements QuarkusTestProfile {
  // Ports of the copy of the test services the run points at (test-services.sh env).
  static final int PEBBLE_HTTP_PORT = port("MAILPLANE_PEBBLE_HTTP_PORT", 14000);
  static final int PEBBLE_DNS_PORT = port("MAILPLANE_PEBBLE_DNS_PORT", 14001);
  static final int CHALLENGE_PORT = port("MAILPLANE_ACME_HTTP01_PORT", 5002);
  static final int BIND_PORT = port("MAILPLANE_BIND_PORT", 8054);
  static final int VOLUME_SMTP_PORT =
      Integer.parseInt(
          env("MAILPLANE_VOLUME_SMTP_LISTEN", "127.0.0.1:2526").replaceFirst(".*:", ""));
  static final int IMAP_PORT = port("MAILPLANE_IMAP_PORT", 1143);
  static final String PEBBLE_HTTP = "https://127.0.0.1:" + PEBBLE_HTTP_PORT + "/dir";
  static final String PEBBLE_DNS = "https://127.0.0.1:" + PEBBLE_DNS_PORT + "/dir";
  // Pebble's management interface listens 1000 above its ACME port (acme-services.sh).
  static final String PEBBLE_HTTP_ROOT =
      "https://127.0.0.1:" + (PEBBLE_HTTP_PORT + 1000) + "/roots/0";
  static final String PEBBLE_DNS_ROOT =
      "https://127.0.0.1:" + (PEBBLE_DNS_PORT + 1000) + "/roots/0";
  static final String ACME_DIR = env("MAILPLANE_ACME_DIR", "/var/tmp/mailplane-acme");
  static final String MAIL_DIR = env("MAILPLANE_MAIL_DIR", "/var/tmp/mailplane-mail");
  static final String VOLUME = MAIL_DIR + "/volume-tls";

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.ofEntries(
        Map.entry("mailplane.acme.trust-store", ACME_DIR + "/ca.pem"),
        Map.entry("mailplane.acme.challenge-port", Integer.toString(CHALLENGE_PORT)),
        Map.entry("mailplane.acme.challenge-host", "127.0.0.1"),
        Map.entry("mailplane.acme.poll-interval", "1s"),
        Map.entry("mailplane.acme.renewal-check-interval", "1s"),
        Map.entry("mailplane.acme.renewal-delay", "1s"),
        Map.entry("mailplane.acme.failure-backoff", "3s"),
        Map.entry("mailplane.acme.max-failure-backoff", "6s"),
        Map.entry("mailplane.acme.dns.server", "127.0.0.1:" + BIND_PORT),
        Map.entry("mailplane.acme.dns.tsig-key-name", "mailplane-acme"),
        Map.entry(
            "mailplane.acme.dns.tsig-secret",
            env("MAILPLANE_ACME_TSIG_SECRET", "bWFpbHBsYW5lLWFjbWUtdGVzdC10c2lnLXNlY3JldCE=")),
        Map.entry("mailplane.acme.dns.propagation-timeout", "20s"),
        Map.entry("mailplane.tls.directory", VOLUME),
        Map.entry("mailplane.push.targets.postfix.type", "command"),
        Map.entry(
            "mailplane.push.targets.postfix.command", "postfix,-c," + MAIL_DIR + "/postfix,reload"),
        Map.entry("mailplane.push.targets.postfix.kinds", "tls"),
        // The volume is the MariaDB-reading copy's, so its Dovecot reloads it on either engine.
        Map.entry(
            "mailplane.push.targets.dovecot.url",
            env("MAILPLANE_TEST_DOVEADM_URL", "http://127.0.0.1:8091/doveadm/v1")));
  }

  private static int port(String name, int fallback) {
    return Integer.parseInt(env(name, Integer.toString(fallback)));
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
