package io.mailplane.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(name = "AuditEvent", description = "One recorded change. Secrets never appear in it.")
public record AuditEventDto(
    @Schema(readOnly = true, example = "1042") long id,
    @Schema(readOnly = true, type = SchemaType.STRING, format = "date-time") Instant occurredAt,
    @Schema(readOnly = true, description = "Token id that made the change", example = "12")
        String actor,
    @Schema(readOnly = true, example = "mailbox.update") String action,
    @Schema(readOnly = true, example = "mailbox") String resourceType,
    @Schema(readOnly = true, example = "john@example.com") String resourceKey,
    @Schema(readOnly = true, example = "example.com", nullable = true) String domain,
    @Schema(
            readOnly = true,
            type = SchemaType.OBJECT,
            implementation = Map.class,
            description = "The object before the change",
            nullable = true)
        JsonNode before,
    @Schema(
            readOnly = true,
            type = SchemaType.OBJECT,
            implementation = Map.class,
            description = "The object after the change",
            nullable = true)
        JsonNode after) {}
