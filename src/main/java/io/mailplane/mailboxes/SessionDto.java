package io.mailplane.mailboxes;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.mailplane.api.OpenApiSchemas;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(name = "Session", description = "A mailbox signed in with its mail password")
public record SessionDto(
    @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(
            readOnly = true,
            description =
                "The bearer token (`mps_...`), shown only in the sign-in answer; send it as"
                    + " `Authorization: Bearer <token>`",
            example = "mps_Zm9vYmFyYmF6cXV4cXV1eGZvb2JhcmJhenF1eHF1dXg",
            extensions = @Extension(name = OpenApiSchemas.OMITTED_IF_NULL, value = "true"))
        String token,
    @Schema(readOnly = true, example = "john@example.com") String address,
    @Schema(
            readOnly = true,
            description =
                "From the mailbox's flags: admin (the admin scope), domain-admin (its domain's"
                    + " scope) or self (its own mailbox, password, fetchmail accounts, Apple profile)",
            enumeration = {"admin", "domain-admin", "self"},
            example = "self")
        String role,
    @Schema(readOnly = true, example = "[\"self:john@example.com\"]") List<String> scopes,
    @Schema(readOnly = true, type = SchemaType.STRING, format = "date-time") Instant expiresAt) {}
