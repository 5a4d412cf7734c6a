package io.mailplane.tls;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A certificate kept issued by ACME. As a request (PUT) only domains, primary, challenge, keyType
 * and issuer count; the read-only fields a client echoes back are ignored.
 */
@Schema(name = "Certificate", description = "A certificate mailplane issues and renews over ACME")
public record CertificateDto(
    @Schema(
            description =
                "Name (the key): 1 to 63 of a-z, 0-9, '-'; also its directory in the TLS volume",
            example = "mail")
        String name,
    @Size(min = 1, max = 100)
        @Schema(
            description =
                "Names in the certificate (SANs), Unicode or A-labels; the first is the subject."
                    + " Wildcards (*.example.com) need challenge dns-01.",
            example = "[\"mail.example.com\", \"imap.example.com\"]")
        List<String> domains,
    @Schema(
            nullable = true,
            description =
                "Serve it as the mail server's certificate (tls.crt/tls.key of the volume, which"
                    + " Postfix and Dovecot read). At most one certificate is primary; setting it"
                    + " here clears it on the others. Default false.",
            example = "true")
        Boolean primary,
    @Schema(
            enumeration = {"http-01", "dns-01"},
            nullable = true,
            description =
                "How the CA validates the names: http-01 (mailplane answers"
                    + " /.well-known/acme-challenge/ on port 80 through your routing) or dns-01"
                    + " (RFC 2136 update at mailplane.acme.dns.server). Default http-01.",
            example = "http-01")
        String challenge,
    @Schema(
            enumeration = {"ec-p256", "rsa2048"},
            nullable = true,
            description = "Key of the certificate. Default ec-p256.",
            example = "ec-p256")
        String keyType,
    @Valid @Schema(description = "ACME CA and account") IssuerDto issuer,
    @Schema(
            readOnly = true,
            enumeration = {"pending", "valid", "renewing", "failed"},
            description =
                "pending: first order running; valid: installed, nothing running; renewing:"
                    + " installed, a new order running; failed: the last order failed (an"
                    + " installed certificate stays in place) and is retried at renewAt",
            example = "valid")
        String status,
    @Schema(readOnly = true, nullable = true, type = SchemaType.STRING, format = "date-time")
        Instant notBefore,
    @Schema(readOnly = true, nullable = true, type = SchemaType.STRING, format = "date-time")
        Instant notAfter,
    @Schema(
            readOnly = true,
            nullable = true,
            description = "Serial number of the installed certificate, hex",
            example = "3f2a9c01d4")
        String serial,
    @Schema(
            readOnly = true,
            nullable = true,
            description = "SHA-256 fingerprint of the installed certificate (DER), hex",
            example = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
        String fingerprintSha256,
    @Schema(
            readOnly = true,
            nullable = true,
            description = "Issuer DN of the installed certificate",
            example = "CN=R11, O=Let's Encrypt, C=US")
        String issuedBy,
    @Schema(
            readOnly = true,
            nullable = true,
            type = SchemaType.STRING,
            format = "date-time",
            description = "When the next order starts (renewal, or the retry after a failure)")
        Instant renewAt,
    @Schema(
            readOnly = true,
            nullable = true,
            enumeration = {"ari", "expiry", "retry"},
            description =
                "What set renewAt: the CA's ARI window, the days-before-expiry rule, or a retry"
                    + " backoff")
        String renewalSource,
    @Schema(
            readOnly = true,
            nullable = true,
            type = SchemaType.OBJECT,
            implementation = java.util.Map.class,
            description =
                "Problem document of the last failed order (the CA's RFC 8555 problem, passed"
                    + " through)")
        JsonNode lastError,
    @Schema(readOnly = true, description = "Failed orders since the last success", example = "0")
        Integer consecutiveFailures,
    @Schema(
            readOnly = true,
            nullable = true,
            description = "The order in progress, if any (…/orders/{id})",
            example = "12")
        Long currentOrderId,
    @Schema(readOnly = true, description = "Changes on every update; also the ETag", example = "1")
        Long version,
    @Schema(readOnly = true, type = SchemaType.STRING, format = "date-time") Instant createdAt,
    @Schema(readOnly = true, type = SchemaType.STRING, format = "date-time") Instant updatedAt) {}
