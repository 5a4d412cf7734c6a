package io.mailplane.dns;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(name = "DnsRecord", description = "A record the domain should publish")
public record DnsRecordDto(
    @Schema(
            enumeration = {
              "mx",
              "spf",
              "dkim",
              "dmarc",
              "mta-sts",
              "tls-rpt",
              "autoconfig",
              "autodiscover",
              "a",
              "aaaa",
              "ptr",
              "srv"
            })
        String purpose,
    @Schema(example = "example.com") String name,
    @Schema(enumeration = {"MX", "TXT", "CNAME", "A", "AAAA", "PTR", "SRV"}) String type,
    @Schema(
            description =
                "Expected value (MX: \"priority host\"; SRV: \"priority weight port host\"; A/AAAA:"
                    + " the address, or * when mailplane.dns.mail-host-addresses is unset and any"
                    + " address passes)",
            example = "10 mail.example.com")
        String value,
    @Schema(nullable = true, description = "TXT only: the value as ≤255-character strings")
        List<String> strings,
    @Schema(nullable = true, description = "Only with ?check=true") DnsCheckDto check) {}
