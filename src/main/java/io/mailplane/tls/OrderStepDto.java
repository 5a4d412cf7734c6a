package io.mailplane.tls;

import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(name = "CertificateOrderStep", description = "One step of an order's timeline")
public record OrderStepDto(
    @Schema(type = SchemaType.STRING, format = "date-time") Instant at,
    @Schema(example = "challenges-published") String step,
    @Schema(nullable = true, example = "http-01 for mail.example.com") String detail) {}
