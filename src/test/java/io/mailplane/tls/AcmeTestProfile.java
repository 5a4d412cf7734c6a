package io.mailplane.tls;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The ACME tests' world (deploy/local/acme-services.sh and mail-services.sh): Pebble's HTTPS
 * trusted, HTTP-01 answered on port 5002 where Pebble validates, DNS-01 against the test BIND, the
 * TLS volume that Postfix (127.0.0.1:2526) and Dovecot (127.0.0.2) serve, and a postfix reload
 * command target beside the doveadm one. Short backoffs so retries happen within a test.
 */
public class AcmeTestProfile implements QuarkusTestProfile {
  static final String PEBBLE_HTTP = "https://127.0.0.1:14000/dir";
  static final String PEBBLE_DNS = "https://127.0.0.1:14001/dir";
  static final String PEBBLE_HTTP_ROOT = "https://127.0.0.1:15000/roots/0";
  static final String PEBBLE_DNS_ROOT = "https://127.0.0.1:15001/roots/0";
  static final String ACME_DIR = env("MAILPLANE_ACME_DIR", "/var/tmp/mailplane-acme");
  static final String MAIL_DIR = env("MAILPLANE_MAIL_DIR", "/var/tmp/mailplane-mail");
  static final String VOLUME = MAIL_DIR + "/volume-tls";

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.ofEntries(
        Map.entry("mailplane.acme.trust-store", ACME_DIR + "/ca.pem"),
        Map.entry("mailplane.acme.challenge-port", "5002"),
        Map.entry("mailplane.acme.challenge-host", "127.0.0.1"),
        Map.entry("mailplane.acme.poll-interval", "1s"),
        Map.entry("mailplane.acme.renewal-check-interval", "1s"),
        Map.entry("mailplane.acme.renewal-delay", "1s"),
        Map.entry("mailplane.acme.failure-backoff", "3s"),
        Map.entry("mailplane.acme.max-failure-backoff", "6s"),
        Map.entry("mailplane.acme.dns.server", "127.0.0.1:8054"),
        Map.entry("mailplane.acme.dns.tsig-key-name", "mailplane-acme"),
        Map.entry(
            "mailplane.acme.dns.tsig-secret",
            env("MAILPLANE_ACME_TSIG_SECRET", "bWFpbHBsYW5lLWFjbWUtdGVzdC10c2lnLXNlY3JldCE=")),
        Map.entry("mailplane.acme.dns.propagation-timeout", "20s"),
        Map.entry("mailplane.tls.directory", VOLUME),
        Map.entry("mailplane.push.targets.postfix.type", "command"),
        Map.entry(
            "mailplane.push.targets.postfix.command", "postfix,-c," + MAIL_DIR + "/postfix,reload"),
        Map.entry("mailplane.push.targets.postfix.kinds", "tls"));
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
