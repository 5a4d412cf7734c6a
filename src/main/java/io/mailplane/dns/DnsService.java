package io.mailplane.dns;

import io.mailplane.common.TxtStrings;
import io.mailplane.dkim.DkimDnsRecord;
import io.mailplane.dkim.DkimSelectorDto;
import io.mailplane.dkim.PublishedSelectors;
import io.mailplane.domains.Domain;
import io.mailplane.domains.DomainService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/** The records a hosted domain must publish, derived from mailplane.dns and its DKIM keys. */
@ApplicationScoped
public class DnsService {
  @Inject DomainService domains;
  @Inject DnsConfig config;
  @Inject DnsChecker checker;

  public DnsReportDto report(String key, boolean check) {
    Domain domain = domains.visible(key);
    List<DnsRecordDto> expected = expected(domain);
    if (!check) {
      return new DnsReportDto(domain.name, false, null, expected);
    }
    List<DnsCheckDto> checks = checker.check(expected);
    List<DnsRecordDto> checked = new ArrayList<>();
    for (int i = 0; i < expected.size(); i++) {
      DnsRecordDto r = expected.get(i);
      checked.add(
          new DnsRecordDto(r.purpose(), r.name(), r.type(), r.value(), r.strings(), checks.get(i)));
    }
    return new DnsReportDto(domain.name, true, checker.resolverName(), checked);
  }

  List<DnsRecordDto> expected(Domain domain) {
    String name = domain.name;
    String mailHost = mailHost(name);
    List<DnsRecordDto> records = new ArrayList<>();
    records.add(
        new DnsRecordDto("mx", name, "MX", config.mxPriority() + " " + mailHost, null, null));
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
    return records;
  }

  private String mailHost(String domain) {
    return config.mailHostname().map(String::strip).orElse("mail." + domain);
  }

  private static DnsRecordDto txt(String purpose, String name, String value) {
    return new DnsRecordDto(purpose, name, "TXT", value, TxtStrings.split(value), null);
  }
}
