package io.mailplane.dns;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Resolves expected records live (dnsjava) and compares them. All queries go out at once and the
 * whole check is bounded by the configured timeout: a slow or dead resolver yields "timeout"
 * entries, never a failed request.
 */
@ApplicationScoped
public class DnsChecker {
  @Inject DnsConfig config;

  /** "system" or the configured host:port, for the report. */
  public String resolverName() {
    return config.resolver().orElse("system");
  }

  public List<DnsCheckDto> check(List<DnsRecordDto> records) {
    Resolver resolver;
    try {
      resolver = resolver();
    } catch (IOException | IllegalArgumentException e) {
      DnsCheckDto failed = new DnsCheckDto("error", List.of(), "resolver: " + e.getMessage());
      return records.stream().map(r -> failed).toList();
    }
    Duration timeout = config.timeout();
    resolver.setTimeout(timeout);
    List<CompletableFuture<Message>> answers = new ArrayList<>();
    for (DnsRecordDto record : records) {
      try {
        Message query =
            Message.newQuery(
                Record.newRecord(
                    Name.fromString(record.name() + "."), Type.value(record.type()), DClass.IN));
        answers.add(resolver.sendAsync(query).toCompletableFuture());
      } catch (TextParseException e) {
        answers.add(CompletableFuture.failedFuture(e));
      }
    }
    // A little slack over the resolver's own timeout so that it can report first.
    long deadline = System.nanoTime() + timeout.toNanos() + TimeUnit.MILLISECONDS.toNanos(500);
    List<DnsCheckDto> results = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      CompletableFuture<Message> answer = answers.get(i);
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        results.add(compare(records.get(i), answer.get(left, TimeUnit.NANOSECONDS)));
      } catch (TimeoutException e) {
        answer.cancel(true);
        results.add(timedOut());
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        results.add(
            cause instanceof SocketTimeoutException || cause instanceof TimeoutException
                ? timedOut()
                : new DnsCheckDto("error", List.of(), String.valueOf(cause.getMessage())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        results.add(new DnsCheckDto("error", List.of(), "interrupted"));
      }
    }
    return results;
  }

  private DnsCheckDto timedOut() {
    return new DnsCheckDto(
        "timeout", List.of(), "no answer from " + resolverName() + " within " + config.timeout());
  }

  private Resolver resolver() throws IOException {
    if (config.resolver().isEmpty()) {
      return new ExtendedResolver();
    }
    return resolverAt(config.resolver().get());
  }

  /** A resolver for one server given as `host` or `host:port` (an IPv6 literal takes port 53). */
  public static SimpleResolver resolverAt(String server) {
    String value = server.strip();
    String host = value;
    int port = 53;
    int colon = value.lastIndexOf(':');
    if (colon > 0 && value.indexOf(':') == colon) {
      host = value.substring(0, colon);
      port = Integer.parseInt(value.substring(colon + 1));
    }
    return new SimpleResolver(new InetSocketAddress(host, port));
  }

  static DnsCheckDto compare(DnsRecordDto expected, Message response) {
    int rcode = response.getRcode();
    if (rcode == Rcode.NXDOMAIN) {
      return new DnsCheckDto("missing", List.of(), "NXDOMAIN");
    }
    if (rcode != Rcode.NOERROR) {
      return new DnsCheckDto("error", List.of(), "resolver answered " + Rcode.string(rcode));
    }
    List<Record> answer = response.getSection(Section.ANSWER);
    return switch (expected.type()) {
      case "MX" -> compareMx(expected, answer);
      case "CNAME" -> compareTarget(expected, answer, CNAMERecord.class);
      case "A", "AAAA" -> compareAddress(expected, answer);
      case "PTR" -> compareTarget(expected, answer, PTRRecord.class);
      case "SRV" -> compareSrv(expected, answer);
      default -> compareTxt(expected, answer);
    };
  }

  private static DnsCheckDto compareMx(DnsRecordDto expected, List<Record> answer) {
    String host = hostOf(expected.value().substring(expected.value().indexOf(' ') + 1));
    List<String> found = new ArrayList<>();
    boolean match = false;
    for (Record record : answer) {
      if (record instanceof MXRecord mx) {
        String target = hostOf(mx.getTarget().toString());
        found.add(mx.getPriority() + " " + target);
        match |= target.equals(host);
      }
    }
    return verdict(found, match);
  }

  /** CNAME and PTR: the record names one host, which must be the expected one. */
  private static DnsCheckDto compareTarget(
      DnsRecordDto expected, List<Record> answer, Class<? extends Record> type) {
    List<String> found = new ArrayList<>();
    boolean match = false;
    for (Record record : answer) {
      Name named =
          record instanceof CNAMERecord cname
              ? cname.getTarget()
              : record instanceof PTRRecord ptr ? ptr.getTarget() : null;
      if (type.isInstance(record) && named != null) {
        String target = hostOf(named.toString());
        found.add(target);
        match |= target.equals(hostOf(expected.value()));
      }
    }
    return verdict(found, match);
  }

  /** "*" is satisfied by any address; otherwise the address must be among those found. */
  private static DnsCheckDto compareAddress(DnsRecordDto expected, List<Record> answer) {
    List<String> found = new ArrayList<>();
    boolean match = false;
    for (Record record : answer) {
      InetAddress address =
          record instanceof ARecord a
              ? a.getAddress()
              : record instanceof AAAARecord aaaa ? aaaa.getAddress() : null;
      if (address != null) {
        found.add(address.getHostAddress());
        match |=
            expected.value().equals(DnsService.ANY_ADDRESS)
                || address.getHostAddress().equals(expected.value());
      }
    }
    return verdict(found, match);
  }

  /** Port and target decide; priority and weight are the domain owner's to choose. */
  private static DnsCheckDto compareSrv(DnsRecordDto expected, List<Record> answer) {
    String[] parts = expected.value().split(" ");
    int port = Integer.parseInt(parts[2]);
    String host = hostOf(parts[3]);
    List<String> found = new ArrayList<>();
    boolean match = false;
    for (Record record : answer) {
      if (record instanceof SRVRecord srv) {
        String target = hostOf(srv.getTarget().toString());
        found.add(srv.getPriority() + " " + srv.getWeight() + " " + srv.getPort() + " " + target);
        match |= srv.getPort() == port && target.equals(host);
      }
    }
    return verdict(found, match);
  }

  /**
   * TXT records are compared among those of the same kind (same "v=" tag): other TXT records at the
   * name (site verifications...) are neither a match nor a difference. Tag lists (DKIM, DMARC,
   * MTA-STS, TLS-RPT) match when every expected tag has the expected value, so extra tags a domain
   * owner added (pct=, t=...) are fine; SPF is compared as a whole.
   */
  private static DnsCheckDto compareTxt(DnsRecordDto expected, List<Record> answer) {
    String version = versionOf(expected.value());
    List<String> found = new ArrayList<>();
    boolean match = false;
    for (Record record : answer) {
      if (record instanceof TXTRecord txt) {
        String value = String.join("", txt.getStrings());
        if (!version.equalsIgnoreCase(versionOf(value))) {
          continue;
        }
        found.add(value);
        match |=
            expected.purpose().equals("spf")
                ? normalizeSpf(value).equals(normalizeSpf(expected.value()))
                : tagsMatch(tags(expected.value()), tags(value), expected.purpose().equals("dkim"));
      }
    }
    return verdict(found, match);
  }

  private static DnsCheckDto verdict(List<String> found, boolean match) {
    if (match) {
      return new DnsCheckDto("ok", found, null);
    }
    return found.isEmpty()
        ? new DnsCheckDto("missing", found, null)
        : new DnsCheckDto("different", found, "published, but not as expected");
  }

  private static String hostOf(String name) {
    String host = name.toLowerCase(Locale.ROOT);
    return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
  }

  private static String versionOf(String value) {
    String first = value.split("[;\\s]", 2)[0].strip();
    return first.toLowerCase(Locale.ROOT);
  }

  private static String normalizeSpf(String value) {
    return value.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
  }

  static Map<String, String> tags(String value) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (String part : value.split(";")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        tags.put(
            part.substring(0, eq).strip().toLowerCase(Locale.ROOT),
            part.substring(eq + 1).replaceAll("\\s+", ""));
      }
    }
    return tags;
  }

  /** DKIM values are base64 keys (case matters); the other kinds' values are keywords. */
  private static boolean tagsMatch(
      Map<String, String> expected, Map<String, String> found, boolean caseSensitive) {
    for (var tag : expected.entrySet()) {
      String value = found.get(tag.getKey());
      if (value == null
          || !(caseSensitive
              ? value.equals(tag.getValue())
              : value.equalsIgnoreCase(tag.getValue()))) {
        return false;
      }
    }
    return true;
  }
}
