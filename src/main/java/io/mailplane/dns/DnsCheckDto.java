package io.mailplane.dns;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(name = "DnsCheck", description = "What a live lookup found for one expected record")
public record DnsCheckDto(
    @Schema(
            enumeration = {"ok", "missing", "different", "timeout", "error"},
            description =
                "ok: published as expected; missing: no such record; different: records exist but"
                    + " none matches; timeout/error: the resolver gave no usable answer")
        String status,
    @Schema(description = "The values found (TXT strings joined)") List<String> found,
    @Schema(nullable = true, example = "SERVFAIL") String detail) {}
