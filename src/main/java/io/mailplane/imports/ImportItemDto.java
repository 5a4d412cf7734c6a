package io.mailplane.imports;

import io.mailplane.api.Problem;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(
    name = "ImportItem",
    description = "One object of an import, or one seed row it cannot take")
public record ImportItemDto(
    @Schema(example = "17") Long id,
    @Schema(
            enumeration = {"domain", "alias-domain", "mailbox", "alias", "dkim", "fetchmail"},
            example = "mailbox")
        String kind,
    @Schema(
            description = "mailplane's natural key (fetchmail: mailbox|host|username)",
            example = "john@example.com")
        String key,
    @Schema(
            nullable = true,
            description = "The seed row(s) it comes from",
            example = "mail_users#12")
        String seedRow,
    @Schema(
            enumeration = {
              "create",
              "update",
              "unchanged",
              "conflict",
              "skip",
              "kept-deleted",
              "gone"
            },
            description =
                "create/update: what the import does; conflict: changed in mailplane and in the"
                    + " seed, mailplane's value kept; skip: the row cannot be taken (see reason);"
                    + " kept-deleted: deleted in mailplane after an earlier import, not re-created;"
                    + " gone: no longer in the seed, kept in mailplane",
            example = "create")
        String action,
    @Schema(
            enumeration = {"planned", "done", "failed", "skipped"},
            example = "done")
        String outcome,
    @Schema(nullable = true, example = "orphan: its domain row mail_domains#7 does not exist")
        String reason,
    @Schema(
            type = SchemaType.OBJECT,
            description =
                "The fields it creates or changes, or that conflict (secrets never); empty when none",
            example = "{\"quotaMb\": 2048}")
        java.util.Map<String, Object> fields,
    @Schema(
            type = SchemaType.OBJECT,
            nullable = true,
            description = "The API's problem when the object failed")
        Problem problem) {}
