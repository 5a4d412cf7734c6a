package io.mailplane.tokens;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.mailplane.api.OpenApiSchemas;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(name = "Token", description = "An API token. The secret is returned once, on creation.")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TokenDto(
    @Schema(readOnly = true, description = "Server-generated id", example = "12") Long id,
    @NotBlank
        @Size(max = 100)
        @Schema(description = "What the token is for", example = "terraform-ci")
        String name,
    @NotEmpty
        @Size(max = 100)
        @Schema(
            description = "admin, read, or domain:<name> (read and write inside that domain)",
            example = "[\"domain:example.com\"]")
        List<String> scopes,
    @Schema(
            description = "When the token stops working; absent = never",
            example = "2027-01-01T00:00:00Z",
            extensions = @Extension(name = OpenApiSchemas.OMITTED_IF_NULL, value = "true"))
        Instant expiresAt,
    @Schema(
            readOnly = true,
            type = SchemaType.STRING,
            format = "date-time",
            description = "Absent until the token is first used",
            extensions = @Extension(name = OpenApiSchemas.OMITTED_IF_NULL, value = "true"))
        Instant lastUsedAt,
    @Schema(readOnly = true, type = SchemaType.STRING, format = "date-time") Instant createdAt,
    @Schema(readOnly = true, description = "Id of the token that created this one", example = "1")
        String createdBy,
    @Schema(
            readOnly = true,
            description = "The bearer secret. Present only in the response to the create call.",
            example = "mpt_3q2V4y9x...",
            extensions = @Extension(name = OpenApiSchemas.OMITTED_IF_NULL, value = "true"))
        String token) {}
