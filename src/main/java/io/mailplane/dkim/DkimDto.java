package io.mailplane.dkim;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A domain's DKIM signing. As a request (PUT) only selector, algorithm, keyBits and privateKey
 * count; the read-only fields a client echoes back are ignored.
 */
@Schema(name = "Dkim", description = "DKIM signing of a domain's outgoing mail")
public record DkimDto(
    @Schema(readOnly = true, example = "example.com") String domain,
    @Schema(readOnly = true, description = "Whether outgoing mail is signed", example = "true")
        Boolean enabled,
    @Size(max = 63)
        @Pattern(
            regexp = "^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$",
            message = "must be a DNS label (letters, digits, '-')")
        @Schema(
            description =
                "Selector that signs (default \"dkim\" when enabling; unchanged when omitted later)."
                    + " A different selector rotates: the old one keeps being published for the"
                    + " overlap period.",
            nullable = true,
            example = "dkim")
        String selector,
    @Pattern(regexp = "^(rsa|ed25519)$", message = "must be rsa or ed25519")
        @Schema(
            enumeration = {"rsa", "ed25519"},
            nullable = true,
            description = "Key algorithm (default rsa; unchanged when omitted later)",
            example = "rsa")
        String algorithm,
    @Min(DkimKeyMaterial.MIN_RSA_BITS)
        @Max(DkimKeyMaterial.MAX_RSA_BITS)
        @Schema(
            nullable = true,
            description = "RSA key size, 1024 to 4096 (default 2048); ignored for Ed25519",
            example = "2048")
        Integer keyBits,
    @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(
            writeOnly = true,
            nullable = true,
            description =
                "Import this PEM private key (PKCS#8 or PKCS#1, unencrypted) instead of"
                    + " generating one. Never returned.",
            example =
                "-----BEGIN PRIVATE KEY-----\\nMC4CAQAwBQYDK2VwBCIEIF...\\n-----END PRIVATE KEY-----\\n")
        String privateKey,
    @Schema(readOnly = true, description = "The active selector first, then retiring ones")
        List<DkimSelectorDto> selectors,
    @Schema(readOnly = true, description = "Changes on every update; also the ETag", example = "1")
        Long version,
    @Schema(readOnly = true, type = SchemaType.STRING, format = "date-time", nullable = true)
        Instant updatedAt) {

  /** Records print their fields; this one must never print an imported private key. */
  @Override
  public String toString() {
    return "DkimDto[domain="
        + domain
        + ", selector="
        + selector
        + ", algorithm="
        + algorithm
        + ", keyBits="
        + keyBits
        + ", privateKey="
        + (privateKey == null ? "null" : "<redacted>")
        + ", version="
        + version
        + "]";
  }
}
