package io.mailplane.tls;

import io.mailplane.api.ApiException;
import io.mailplane.dns.DnsChecker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * DNS-01 records by RFC 2136 dynamic update, TSIG-signed, at the zone's primary server: the
 * interface BIND, Knot, PowerDNS and most hosted DNS services with a primary accept.
 */
@ApplicationScoped
public class Rfc2136 {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @Inject AcmeConfig config;

  /** Refuses a DNS-01 certificate at write time rather than at its first order. */
  public void requireConfigured() {
    AcmeConfig.Dns dns = config.dns();
    if (dns.server().isEmpty() || dns.tsigKeyName().isEmpty() || dns.tsigSecret().isEmpty()) {
      throw ApiException.invalid(
          "challenge",
          "dns-01 needs mailplane.acme.dns.server, tsig-key-name and tsig-secret to be configured");
    }
  }

  public void add(String name, String value) throws IOException {
    Name owner = absolute(name);
    Update update = new Update(zoneOf(owner));
    update.add(new TXTRecord(owner, DClass.IN, config.dns().ttl(), value));
    send(update, "add " + name);
  }

  public void remove(String name, String value) throws IOException {
    Name owner = absolute(name);
    Update update = new Update(zoneOf(owner));
    update.delete(new TXTRecord(owner, DClass.IN, 0, value));
    send(update, "delete " + name);
  }

  /** Whether the primary and every configured check resolver answer the record. */
  public boolean visible(String name, String value) throws IOException {
    Name owner = absolute(name);
    for (String server : checkServers()) {
      Message response =
          resolver(server, false)
              .send(Message.newQuery(Record.newRecord(owner, Type.TXT, DClass.IN)));
      boolean found = false;
      for (Record record : response.getSection(Section.ANSWER)) {
        if (record instanceof TXTRecord txt && txt.getStrings().contains(value)) {
          found = true;
        }
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }

  private List<String> checkServers() {
    List<String> servers = new ArrayList<>();
    servers.add(config.dns().server().orElseThrow());
    config
        .dns()
        .checkResolvers()
        .ifPresent(
            list -> {
              for (String server : list.split(",")) {
                if (!server.isBlank()) {
                  servers.add(server.strip());
                }
              }
            });
    return servers;
  }

  /** The configured zone, or the closest enclosing one the primary has an SOA for. */
  Name zoneOf(Name owner) throws IOException {
    if (config.dns().zone().isPresent()) {
      return absolute(config.dns().zone().get());
    }
    Resolver primary = resolver(config.dns().server().orElseThrow(), false);
    for (int labels = owner.labels() - 1; labels >= 2; labels--) {
      Name candidate = new Name(owner, owner.labels() - labels);
      Message response =
          primary.send(Message.newQuery(Record.newRecord(candidate, Type.SOA, DClass.IN)));
      for (Record record : response.getSection(Section.ANSWER)) {
        if (record.getType() == Type.SOA && record.getName().equals(candidate)) {
          return candidate;
        }
      }
    }
    throw new IOException("no zone for " + owner + " at " + config.dns().server().get());
  }

  private void send(Update update, String what) throws IOException {
    Message response = resolver(config.dns().server().orElseThrow(), true).send(update);
    if (response.getRcode() != Rcode.NOERROR) {
      throw new IOException(
          "dynamic update (" + what + ") refused: " + Rcode.string(response.getRcode()));
    }
  }

  private Resolver resolver(String server, boolean signed) throws IOException {
    SimpleResolver resolver = DnsChecker.resolverAt(server);
    resolver.setTimeout(TIMEOUT);
    if (signed) {
      AcmeConfig.Dns dns = config.dns();
      resolver.setTSIGKey(
          new TSIG(
              TSIG.algorithmToName(dns.tsigAlgorithm()),
              absolute(dns.tsigKeyName().orElseThrow()),
              dns.tsigSecret().orElseThrow()));
    }
    return resolver;
  }

  private static Name absolute(String name) throws TextParseException {
    return Name.fromString(name.endsWith(".") ? name : name + ".");
  }
}
