package io.mailplane.imports;

import java.time.Instant;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(
    name = "Import",
    description =
        "An import run: plan → running → done / failed (a dry run ends in plan). Per-object lines"
            + " at /api/v1/imports/{id}/items.")
public record ImportJobDto(
    @Schema(example = "3") Long id,
    @Schema(
            enumeration = {"plan", "running", "done", "failed"},
            description =
                "plan: planning, or the finished plan of a dry run; done: every object imported or"
                    + " reported; failed: some object failed (see its item) or the job stopped",
            example = "done")
        String state,
    @Schema(
            description =
                "True once the job has stopped working (a finished dry run, done or failed)",
            example = "true")
        Boolean finished,
    @Schema(example = "true") Boolean dryRun,
    @Schema(
            description = "The source URL; credentials are never shown",
            example = "jdbc:mariadb://db:3306/mailserver")
        String source,
    ImportRequest.Options options,
    @Schema(
            description =
                "Per kind (domain, mailbox, alias, dkim, fetchmail): how many objects per action"
                    + " (create, update, unchanged, conflict, skip, kept-deleted, gone) and outcome"
                    + " (planned, done, failed, skipped)",
            example = "{\"mailbox\": {\"create\": 10, \"skip\": 1, \"done\": 10, \"skipped\": 1}}")
        Map<String, Map<String, Integer>> counts,
    @Schema(
            nullable = true,
            description = "Why the job as a whole failed",
            example = "interrupted: mailplane stopped; run the import again, it resumes")
        String failure,
    @Schema(example = "token:admin") String createdBy,
    @Schema(readOnly = true, type = SchemaType.STRING, format = "date-time") Instant createdAt,
    @Schema(readOnly = true, type = SchemaType.STRING, format = "date-time", nullable = true)
        Instant finishedAt) {}
