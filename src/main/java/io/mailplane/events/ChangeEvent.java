package io.mailplane.events;

import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(
    name = "ChangeEvent",
    description =
        "One committed change; the SSE event's id is the revision and its name the resource")
public record ChangeEvent(
    @Schema(description = "Configuration revision: commit order, no gaps", example = "42")
        long revision,
    @Schema(description = "Resource type", example = "mailbox") String resource,
    @Schema(description = "Natural key of the object", example = "john@example.com") String key,
    @Schema(
            description = "What happened (create, update, delete, password-change, rotate, ...)",
            example = "update")
        String action,
    @Schema(nullable = true, description = "Domain the object belongs to", example = "example.com")
        String domain,
    @Schema(type = SchemaType.STRING, format = "date-time") Instant occurredAt) {}
