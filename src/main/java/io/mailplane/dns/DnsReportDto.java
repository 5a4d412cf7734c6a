package io.mailplane.dns;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(name = "DnsReport", description = "The DNS records a domain needs, optionally checked live")
public record DnsReportDto(
    @Schema(example = "example.com") String domain,
    @Schema(description = "Whether the records were resolved live", example = "false")
        boolean checked,
    @Schema(nullable = true, description = "The resolver used for the check", example = "system")
        String resolver,
    List<DnsRecordDto> records) {}
