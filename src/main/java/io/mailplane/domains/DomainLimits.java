package io.mailplane.domains;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.PositiveOrZero;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(
    name = "DomainLimits",
    description = "Per-domain limits; an absent or null limit is unlimited")
public record DomainLimits(
    @PositiveOrZero
        @Max(10_000_000)
        @Schema(
            description = "Most mailboxes the domain may hold",
            example = "100",
            nullable = true)
        Integer maxMailboxes,
    @PositiveOrZero
        @Max(10_000_000)
        @Schema(description = "Most aliases the domain may hold", example = "500", nullable = true)
        Integer maxAliases,
    @PositiveOrZero
        @Max(16_777_216)
        @Schema(
            description =
                "Largest quota one mailbox may have, in MiB; mailboxes must then have a quota",
            example = "10240",
            nullable = true)
        Long maxQuotaMb,
    @PositiveOrZero
        @Max(16_777_216)
        @Schema(
            description =
                "Quota given to new mailboxes that do not set one, in MiB (0 = unlimited)",
            example = "2048",
            nullable = true)
        Long defaultQuotaMb) {

  public static final DomainLimits NONE = new DomainLimits(null, null, null, null);
}
