package io.mailplane.dkim;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(name = "DkimRotation", description = "The new key of a rotation; every field is optional")
public record DkimRotation(
    @Size(max = 63)
        @Pattern(
            regexp = "^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$",
            message = "must be a DNS label (letters, digits, '-')")
        @Schema(
            nullable = true,
            description = "New selector; default dkim-YYYYMMDD (with -2, -3... if taken)",
            example = "dkim-20260101")
        String selector,
    @Pattern(regexp = "^(rsa|ed25519)$", message = "must be rsa or ed25519")
        @Schema(
            enumeration = {"rsa", "ed25519"},
            nullable = true,
            description = "Default: the current key's algorithm")
        String algorithm,
    @Min(DkimKeyMaterial.MIN_RSA_BITS)
        @Max(DkimKeyMaterial.MAX_RSA_BITS)
        @Schema(
            nullable = true,
            description = "RSA key size; default: the current key's size",
            example = "2048")
        Integer keyBits,
    @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(
            writeOnly = true,
            nullable = true,
            description = "Import this PEM private key",
            example =
                "-----BEGIN PRIVATE KEY-----\\nMC4CAQAwBQYDK2VwBCIEIF...\\n-----END PRIVATE KEY-----\\n")
        String privateKey) {
  static final DkimRotation DEFAULTS = new DkimRotation(null, null, null, null);

  /** Records print their fields; this one must never print an imported private key. */
  @Override
  public String toString() {
    return "DkimRotation[selector="
        + selector
        + ", algorithm="
        + algorithm
        + ", keyBits="
        + keyBits
        + ", privateKey="
        + (privateKey == null ? "null" : "<redacted>")
        + "]";
  }
}
