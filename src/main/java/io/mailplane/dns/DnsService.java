package io.mailplane.dns;

import io.mailplane.common.TxtStrings;
import io.mailplane.dkim.DkimDnsRecord;
import io.mailplane.dkim.DkimSelectorDto;
import io.mailplane.dkim.PublishedSelectors;
import io.mailplane.domains.Domain;
import io.mailplane.domains.DomainService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Address;
import org.xbill.DNS.ReverseMap;

/** The records a hosted domain must publish, derived from mailplane.dns and its DKIM keys. */
@ApplicationScoped
public class DnsService {
  @Inject DomainService domains;
  @Inject DnsConfig config;
  @Inject DnsChecker checker;
  @Inject Event<ExpectedRecords> expecting;

  /** Value of an A/AAAA record that any address satisfies. */
  static final String ANY_ADDRESS = "*";

  public DnsReportDto report(String key, boolean check) {
    Domain domain = domains.visible(key);
    List<DnsRecordDto> expected = expected(domain);
    if (!check) {
      return new DnsReportDto(domain.name, false, null, expected);
    }
    List<DnsRecordDto> checked = checked(expected);
    // Addresses learnt only now (no configured ones): their PTRs are the second round.
    List<DnsRecordDto> reverse = new ArrayList<>();
    for (DnsRecordDto record : checked) {
      if (ANY_ADDRESS.equals(record.value()) && record.check().status().equals("ok")) {
        for (String address : record.check().found()) {
          reverse.add(ptr(address, mailHost(domain.name)));
        }
      }
    }
    checked.addAll(checked(reverse));
    return new DnsReportDto(domain.name, true, checker.resolverName(), checked);
  }

  private List<DnsRecordDto> checked(List<DnsRecordDto> expected) {
    List<DnsCheckDto> checks = checker.check(expected);
    List<DnsRecordDto> checked = new ArrayList<>();
    for (int i = 0; i < expected.size(); i++) {
      DnsRecordDto r = expected.get(i);
      checked.add(
          new DnsRecordDto(r.purpose(), r.name(), r.type(), r.value(), r.strings(), checks.get(i)));
    }
    return checked;
  }

  List<DnsRecordDto> expected(Domain domain) {
    String name = domain.name;
    String mailHost = mailHost(name);
    List<DnsRecordDto> records = new ArrayList<>();
    records.add(
        new DnsRecordDto("mx", name, "MX", config.mxPriority() + " " + mailHost, null, null));
    addMailHost(records, mailHost);
    records.add(txt("spf", name, config.spf()));
    for (DkimSelectorDto selector : PublishedSelectors.of(domain)) {
      DkimDnsRecord record = selector.dnsRecord();
      records.add(txt("dkim", record.name(), record.value()));
    }
    String dmarc = "v=DMARC1; p=" + config.dmarc().policy();
    if (config.dmarc().rua().isPresent()) {
      dmarc += "; rua=" + config.dmarc().rua().get().replace("{domain}", name);
    }
    records.add(txt("dmarc", "_dmarc." + name, dmarc));
    if (config.mtaSts().enabled()) {
      records.add(txt("mta-sts", "_mta-sts." + name, "v=STSv1; id=" + config.mtaSts().id()));
    }
    if (config.tlsRpt().enabled()) {
      records.add(
          txt(
              "tls-rpt",
              "_smtp._tls." + name,
              "v=TLSRPTv1; rua=" + config.tlsRpt().rua().replace("{domain}", name)));
    }
    if (config.autoconfig()) {
      records.add(
          new DnsRecordDto("autoconfig", "autoconfig." + name, "CNAME", mailHost, null, null));
      records.add(
          new DnsRecordDto("autodiscover", "autodiscover." + name, "CNAME", mailHost, null, null));
    }
    expecting.fire(new ExpectedRecords(name, mailHost, records));
    return records;
  }

  /**
   * A/AAAA of the mail host and the PTR of each of its addresses (a receiving server that finds no
   * PTR naming the sender's host often refuses or scores its mail).
   */
  private void addMailHost(List<DnsRecordDto> records, String mailHost) {
    if (config.mailHostAddresses().isEmpty()) {
      records.add(new DnsRecordDto("a", mailHost, "A", ANY_ADDRESS, null, null));
      records.add(new DnsRecordDto("aaaa", mailHost, "AAAA", ANY_ADDRESS, null, null));
      return;
    }
    List<DnsRecordDto> reverse = new ArrayList<>();
    for (String raw : config.mailHostAddresses().get()) {
      InetAddress address = address(raw);
      String text = address.getHostAddress();
      records.add(
          address instanceof Inet4Address
              ? new DnsRecordDto("a", mailHost, "A", text, null, null)
              : new DnsRecordDto("aaaa", mailHost, "AAAA", text, null, null));
      reverse.add(ptr(text, mailHost));
    }
    records.addAll(reverse);
  }

  private static DnsRecordDto ptr(String address, String mailHost) {
    String name = ReverseMap.fromAddress(address(address)).toString(true);
    return new DnsRecordDto("ptr", name, "PTR", mailHost, null, null);
  }

  /** An address literal; never a name lookup (the configured values and found records are IPs). */
  private static InetAddress address(String literal) {
    byte[] bytes =
        Address.toByteArray(literal.strip(), literal.contains(":") ? Address.IPv6 : Address.IPv4);
    try {
      if (bytes != null) {
        return InetAddress.getByAddress(bytes);
      }
    } catch (java.net.UnknownHostException e) {
      // only for a wrong length, which toByteArray does not return
    }
    throw new IllegalArgumentException(
        "mailplane.dns.mail-host-addresses: not an IP address: " + literal);
  }

  /** The host name mail clients and MX records point at for a domain. */
  public String mailHost(String domain) {
    return config.mailHostname().map(String::strip).orElse("mail." + domain);
  }

  private static DnsRecordDto txt(String purpose, String name, String value) {
    return new DnsRecordDto(purpose, name, "TXT", value, TxtStrings.split(value), null);
  }
}
