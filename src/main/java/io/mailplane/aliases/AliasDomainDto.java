package io.mailplane.aliases;

import jakarta.validation.constraints.Size;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(
    name = "AliasDomain",
    description = "A domain whose addresses deliver to the same local parts of its target domain")
public record AliasDomainDto(
    @Schema(description = "The alias domain's name, key of the resource", example = "example.net")
        String name,
    @Schema(readOnly = true, example = "example.net") String unicodeName,
    @Schema(description = "The hosted domain it maps to", example = "example.com")
        String targetDomain,
    @Size(max = 1000) @Schema(nullable = true, example = "old brand") String description,
    @Schema(description = "Default true", example = "true") Boolean enabled,
    @Schema(readOnly = true, example = "1") Long version,
    @Schema(readOnly = true, type = SchemaType.STRING, format = "date-time") Instant createdAt,
    @Schema(readOnly = true, type = SchemaType.STRING, format = "date-time") Instant updatedAt) {
  /**
   * The request as a create or replace stores it: the description stripped, enabled unless said
   * otherwise. The one place of these defaults: the service applies them and the configuration
   * document compares with them.
   */
  public AliasDomainDto withDefaults() {
    return new AliasDomainDto(
        name,
        unicodeName,
        targetDomain,
        description == null ? null : description.strip(),
        enabled == null || enabled,
        version,
        createdAt,
        updatedAt);
  }
}
