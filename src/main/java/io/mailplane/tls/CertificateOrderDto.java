package io.mailplane.tls;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(name = "CertificateOrder", description = "One ACME order of a certificate")
public record CertificateOrderDto(
    @Schema(example = "12") long id,
    @Schema(example = "mail") String certificate,
    @Schema(
            enumeration = {"initial", "changed", "renewal", "retry", "forced", "forced-new-key"},
            description = "Why it was started")
        String reason,
    @Schema(
            enumeration = {
              "new",
              "publishing",
              "awaiting-dns",
              "validating",
              "finalizing",
              "valid",
              "failed"
            },
            description = "The step it is at; valid and failed are final")
        String status,
    List<String> domains,
    @Schema(
            enumeration = {"http-01", "dns-01"},
            example = "http-01")
        String challenge,
    @Schema(
            enumeration = {"ec-p256", "rsa2048"},
            example = "ec-p256")
        String keyType,
    @Schema(
            nullable = true,
            description = "The order's URL at the CA",
            example = "https://acme.example.org/order/1234")
        String orderUrl,
    @Schema(readOnly = true, type = SchemaType.STRING, format = "date-time") Instant createdAt,
    @Schema(readOnly = true, type = SchemaType.STRING, format = "date-time") Instant updatedAt,
    @Schema(
            nullable = true,
            type = SchemaType.STRING,
            format = "date-time",
            description = "When the job takes the next step (while active)")
        Instant nextAttemptAt,
    @Schema(nullable = true, type = SchemaType.STRING, format = "date-time") Instant finishedAt,
    @Schema(description = "Steps taken, oldest first") List<OrderStepDto> timeline,
    @Schema(
            nullable = true,
            type = SchemaType.OBJECT,
            implementation = java.util.Map.class,
            description = "Problem document of the failure (the CA's, passed through)")
        JsonNode error) {}
