package io.mailplane.dkim;

import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(
    name = "DkimSelector",
    description = "One DKIM key of a domain (the private key is never shown)")
public record DkimSelectorDto(
    @Schema(example = "dkim") String selector,
    @Schema(
            enumeration = {"rsa", "ed25519"},
            example = "rsa")
        String algorithm,
    @Schema(description = "Key size in bits (256 for Ed25519)", example = "2048") int keyBits,
    @Schema(
            description = "The public key, as published in DNS (p=)",
            example = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=")
        String publicKey,
    @Schema(
            enumeration = {"active", "retiring"},
            description =
                "active: signs outgoing mail; retiring: no longer signs, stays in DNS until retireAt")
        String status,
    @Schema(readOnly = true, type = SchemaType.STRING, format = "date-time") Instant createdAt,
    @Schema(
            type = SchemaType.STRING,
            format = "date-time",
            nullable = true,
            description = "When a retiring selector is deleted from the database and DNS output")
        Instant retireAt,
    DkimDnsRecord dnsRecord) {}
