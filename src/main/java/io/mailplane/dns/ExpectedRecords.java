package io.mailplane.dns;

import java.util.List;

/**
 * Fired (synchronously) while a domain's expected records are listed, so that features above dns
 * add the records they serve without dns knowing them: autoconfig adds the RFC 6186 SRV records of
 * the ports it offers.
 *
 * @param domain the hosted domain's A-label
 * @param mailHost the host name clients and MX records point at
 * @param records the list being built; observers append to it
 */
public record ExpectedRecords(String domain, String mailHost, List<DnsRecordDto> records) {
  public void add(String purpose, String name, String type, String value) {
    records.add(new DnsRecordDto(purpose, name, type, value, null, null));
  }
}
