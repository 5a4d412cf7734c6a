package io.mailplane.config;

import io.mailplane.api.Problem;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(
    name = "ConfigJob",
    description =
        "A config:apply run as a job (Prefer: respond-async): queued → validating → applying →"
            + " succeeded / failed. The whole document is validated first (a bad entry anywhere"
            + " fails the job with the problem a synchronous apply would answer, and nothing is"
            + " changed); then it is applied in chunks, each its own transaction. A chunk that"
            + " fails (a concurrent change) fails the job and leaves the earlier chunks applied:"
            + " sections tells exactly which entries.")
public record ConfigJobDto(
    @Schema(example = "3f9c2a7e-5a0b-4a53-9a57-2f4b1d0c8e11") String id,
    @Schema(
            enumeration = {"queued", "validating", "applying", "succeeded", "failed"},
            example = "applying")
        String state,
    @Schema(
            description = "Whether objects missing from a present section are deleted",
            example = "false")
        boolean prune,
    @Schema(description = "Entries in the document (known once validated)", example = "1000000")
        long total,
    @Schema(description = "Entries applied so far", example = "250000") long applied,
    @Schema(description = "Objects prune deleted so far", example = "0") long deleted,
    @Schema(description = "Changes made so far, per action") ConfigPlan.Summary summary,
    @Schema(
            nullable = true,
            description = "The configuration revision after the last chunk applied",
            example = "42")
        Long revision,
    @Schema(description = "Per present section, in the order applied: how far it got")
        List<SectionProgress> sections,
    @Schema(
            description =
                "The first changes made, as config:apply lists them; the rest are counted in"
                    + " changesOmitted")
        List<ConfigPlan.Change> changes,
    @Schema(description = "Changes made but not listed in changes", example = "0")
        long changesOmitted,
    @Schema(nullable = true, description = "Why the job failed: the problem config:apply answers")
        Problem problem,
    @Schema(readOnly = true, type = SchemaType.STRING, format = "date-time") Instant createdAt,
    @Schema(readOnly = true, type = SchemaType.STRING, format = "date-time", nullable = true)
        Instant finishedAt) {

  @Schema(name = "ConfigJobSection")
  public record SectionProgress(
      @Schema(example = "mailboxes") String section,
      @Schema(description = "Entries of the section in the document", example = "1000000")
          long entries,
      @Schema(
              description =
                  "The section's first this many entries (in document order) are applied; the"
                      + " rest are not",
              example = "250000")
          long applied,
      @Schema(description = "Objects of the section prune deleted", example = "0") long deleted) {}
}
