package io.mailplane.tls;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The ACME CA a certificate comes from, and the account used there. */
@Schema(name = "Issuer", description = "ACME CA and account settings")
public record IssuerDto(
    @NotBlank
        @Size(max = 500)
        @Schema(
            description = "The CA's ACME directory URL (https)",
            example = "https://acme-v02.api.letsencrypt.org/directory")
        String directoryUrl,
    @Email
        @Size(max = 320)
        @Schema(
            nullable = true,
            description = "Contact e-mail registered with the account (expiry notices)",
            example = "hostmaster@example.com")
        String contactEmail,
    @Schema(
            nullable = true,
            description = "Whether you agree to the CA's terms of service (most CAs require it)",
            example = "true")
        Boolean termsAgreed,
    @Size(max = 255)
        @Schema(
            nullable = true,
            description = "External Account Binding key id, for CAs that require one",
            example = "kid-1")
        String eabKid,
    @JsonInclude(JsonInclude.Include.NON_NULL)
        @Size(max = 512)
        @Schema(
            writeOnly = true,
            nullable = true,
            description =
                "External Account Binding HMAC key (base64url, as the CA gives it). Stored"
                    + " encrypted, never returned; omit it on later PUTs to keep the stored one.",
            example = "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W")
        String eabHmacKey) {}
