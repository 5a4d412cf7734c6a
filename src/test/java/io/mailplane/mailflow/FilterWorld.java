package io.mailplane.mailflow;

import static io.mailplane.mailflow.MailClient.setting;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.impl.DNSPublicKeyRecordRetriever;
import org.xbill.DNS.SimpleResolver;

/**
 * The filter side that deploy/local/filter-services.sh runs: the Unbound that is the test world's
 * DNS (records added and removed at runtime with unbound-control), the Redis db Rspamd reads DKIM
 * keys from, and an independent DKIM verifier (Apache jDKIM) that resolves keys through that DNS.
 * Settings, as system properties or environment variables like the script's: MAILPLANE_FILTER_DIR,
 * MAILPLANE_DNS_PORT, MAILPLANE_FILTER_REDIS (host:port), MAILPLANE_FILTER_REDIS_DB.
 */
public final class FilterWorld {
  static final String STATE = setting("MAILPLANE_FILTER_DIR", "/var/tmp/mailplane-filter");
  static final int DNS_PORT = Integer.parseInt(setting("MAILPLANE_DNS_PORT", "5353"));
  static final String REDIS = setting("MAILPLANE_FILTER_REDIS", "127.0.0.1:6379");
  static final int REDIS_DB = Integer.parseInt(setting("MAILPLANE_FILTER_REDIS_DB", "12"));

  /** Rspamd's hash of PEM private keys, field {@code <selector>.<domain>}. */
  static final String KEYS = "dkim_keys";

  /** Rspamd's hash of selectors, field {@code <domain>} (selector_prefix). */
  static final String SELECTORS = "dkim_selectors";

  private FilterWorld() {}

  /** Publishes a TXT record; long values are split into 255-byte character-strings. */
  static void publishTxt(String name, String value) throws IOException, InterruptedException {
    StringBuilder record = new StringBuilder(fqdn(name)).append(" 1 IN TXT");
    for (int i = 0; i < value.length(); i += 255) {
      record.append(" \"").append(value, i, Math.min(value.length(), i + 255)).append('"');
    }
    unboundControl("local_data", record.toString());
  }

  static void removeTxt(String name) throws IOException, InterruptedException {
    removeLocalData(name);
  }

  /** Adds one record in zone-file syntax, e.g. {@code "mx.test. 1 IN A 192.0.2.1"}. */
  public static void localData(String record) throws IOException, InterruptedException {
    unboundControl("local_data", record);
  }

  /** Removes every record of the name. */
  public static void removeLocalData(String name) throws IOException, InterruptedException {
    unboundControl("local_data_remove", fqdn(name));
  }

  private static String fqdn(String name) {
    return name.endsWith(".") ? name : name + ".";
  }

  private static void unboundControl(String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of("unbound-control", "-c", STATE + "/unbound/unbound.conf"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0 || !output.strip().equals("ok")) {
      throw new IOException(command + " answered: " + output);
    }
  }

  static void hset(String key, String field, String value) throws IOException {
    redis("HSET", key, field, value);
  }

  static void hdel(String key, String field) throws IOException {
    redis("HDEL", key, field);
  }

  /** The field's value, or null when it is absent. */
  static String hget(String key, String field) throws IOException {
    return redis("HGET", key, field);
  }

  /**
   * One command on a fresh connection (SELECT db first); returns a bulk reply's value, else the
   * reply's first line.
   */
  private static String redis(String... args) throws IOException {
    int colon = REDIS.lastIndexOf(':');
    try (Socket socket = new Socket()) {
      socket.connect(
          new InetSocketAddress(
              REDIS.substring(0, colon), Integer.parseInt(REDIS.substring(colon + 1))),
          5000);
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      write(out, "SELECT", Integer.toString(REDIS_DB));
      expectOk(readLine(in));
      write(out, args);
      String reply = readLine(in);
      if (reply.startsWith("-")) {
        throw new IOException("redis " + args[0] + ": " + reply);
      }
      if (reply.startsWith("$")) {
        return reply.equals("$-1") ? null : readLine(in);
      }
      return reply;
    }
  }

  private static void write(OutputStream out, String... args) throws IOException {
    StringBuilder command = new StringBuilder("*").append(args.length).append("\r\n");
    for (String arg : args) {
      command
          .append('$')
          .append(arg.getBytes(StandardCharsets.UTF_8).length)
          .append("\r\n")
          .append(arg)
          .append("\r\n");
    }
    out.write(command.toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  private static void expectOk(String reply) throws IOException {
    if (!reply.equals("+OK")) {
      throw new IOException("redis SELECT " + REDIS_DB + ": " + reply);
    }
  }

  /**
   * Verifies every DKIM-Signature of a raw message against the test DNS; returns the signatures
   * that verified (jDKIM throws when a signature fails or its key is missing).
   */
  static List<SignatureRecord> verifyDkim(byte[] raw) throws Exception {
    SimpleResolver resolver = new SimpleResolver("127.0.0.1");
    resolver.setPort(DNS_PORT);
    resolver.setTimeout(Duration.ofSeconds(2));
    DKIMVerifier verifier = new DKIMVerifier(new DNSPublicKeyRecordRetriever(resolver));
    List<SignatureRecord> verified = verifier.verify(new ByteArrayInputStream(raw));
    return verified == null ? List.of() : verified;
  }
}
