package io.mailplane.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(name = "ConfigPlan", description = "The changes a document makes (plan) or made (apply)")
public record ConfigPlan(
    @Schema(
            description =
                "plan: the revision the changes were computed against (send it as If-Match to"
                    + " apply exactly this plan); apply: the revision after the changes",
            example = "42")
        long revision,
    @Schema(description = "True for :plan (nothing was changed)", example = "true") boolean dryRun,
    @Schema(description = "Whether objects missing from the document are deleted", example = "true")
        boolean prune,
    @Schema(description = "Counts per action") Summary summary,
    @Schema(description = "One entry per changed object, by section then key")
        List<Change> changes) {

  @Schema(name = "ConfigPlanSummary")
  public record Summary(
      @Schema(example = "1") int create,
      @Schema(example = "2") int update,
      @Schema(example = "0") int delete) {}

  @Schema(name = "ConfigChange")
  public record Change(
      @Schema(description = "Resource type", example = "mailbox") String resource,
      @Schema(description = "Section of the document", example = "mailboxes") String section,
      @Schema(example = "john@example.com") String key,
      @Schema(
              enumeration = {"create", "update", "delete"},
              example = "update")
          String action,
      @Schema(description = "Changed fields (all fields for create and delete)")
          List<FieldChange> fields) {}

  @Schema(name = "ConfigFieldChange")
  public record FieldChange(
      @Schema(description = "Field path within the entry", example = "quotaMb") String field,
      @Schema(description = "Value before (null: none)", example = "1024") JsonNode before,
      @Schema(description = "Value after (null: none)", example = "2048") JsonNode after) {}
}
