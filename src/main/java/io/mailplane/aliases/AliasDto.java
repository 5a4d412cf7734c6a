package io.mailplane.aliases;

import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(name = "Alias", description = "Forwards mail for an address (or a whole domain: catch-all)")
public record AliasDto(
    @Schema(
            description =
                "The source address, key of the resource; `@example.com` is the domain's catch-all",
            example = "sales@example.com")
        String address,
    @Size(min = 1, max = 1000)
        @Schema(
            description =
                "Where mail goes: local or external addresses; normalized to lowercase and de-duplicated",
            example = "[\"john@example.com\", \"jane@example.org\"]")
        List<String> destinations,
    @Schema(description = "Default true", example = "true") Boolean enabled,
    @Size(max = 1000) @Schema(nullable = true, example = "Sales team") String description,
    @Schema(readOnly = true, example = "example.com") String domain,
    @Schema(readOnly = true, description = "True for @domain", example = "false") Boolean catchAll,
    @Schema(readOnly = true, example = "1") Long version,
    @Schema(readOnly = true, type = SchemaType.STRING, format = "date-time") Instant createdAt,
    @Schema(readOnly = true, type = SchemaType.STRING, format = "date-time") Instant updatedAt) {
  /**
   * The request as a create or replace stores it: the description stripped, enabled unless said
   * otherwise (destinations are normalized by the service, which checks them). The one place of
   * these defaults: the service applies them and the configuration document compares with them.
   */
  public AliasDto withDefaults() {
    return new AliasDto(
        address,
        destinations,
        enabled == null || enabled,
        description == null ? null : description.strip(),
        domain,
        catchAll,
        version,
        createdAt,
        updatedAt);
  }
}
