package io.mailplane.domains;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(name = "Domain", description = "A mail domain hosted by this server")
public record DomainDto(
    @Schema(
            description =
                "The domain name, key of the resource. IDNs are accepted in Unicode and stored as A-label.",
            example = "example.com")
        String name,
    @Schema(readOnly = true, description = "The name in Unicode form", example = "example.com")
        String unicodeName,
    @Size(max = 1000) @Schema(example = "Main company domain", nullable = true) String description,
    @Schema(
            description =
                "Disabled domains receive no mail and their users cannot log in; default true",
            example = "true")
        Boolean enabled,
    @Valid @Schema(nullable = true, description = "Absent or null: no limits") DomainLimits limits,
    @Schema(readOnly = true, description = "Changes on every update; also the ETag", example = "3")
        Long version,
    @Schema(readOnly = true, type = SchemaType.STRING, format = "date-time") Instant createdAt,
    @Schema(readOnly = true, type = SchemaType.STRING, format = "date-time") Instant updatedAt) {
  /**
   * The request as a create or replace stores it: the description stripped, enabled unless said
   * otherwise, no limits when absent. The one place of these defaults: the service applies them and
   * the configuration document compares with them.
   */
  public DomainDto withDefaults() {
    return new DomainDto(
        name,
        unicodeName,
        description == null ? null : description.strip(),
        enabled == null || enabled,
        limits == null ? DomainLimits.NONE : limits,
        version,
        createdAt,
        updatedAt);
  }
}
