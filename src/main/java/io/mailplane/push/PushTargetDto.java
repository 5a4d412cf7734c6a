package io.mailplane.push;

import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(name = "PushTarget", description = "Delivery state of one configured push target")
public record PushTargetDto(
    @Schema(readOnly = true, example = "rspamd") String name,
    @Schema(
            readOnly = true,
            example = "rspamd-redis",
            enumeration = {"rspamd-redis", "doveadm", "command", "fetchmailmgr"})
        String type,
    @Schema(
            readOnly = true,
            description = "Id of the last outbox event the target has applied",
            example = "1042")
        long lastEventId,
    @Schema(
            readOnly = true,
            description = "Outbox events the target has not applied yet",
            example = "0")
        long pendingEvents,
    @Schema(readOnly = true, description = "Failed attempts since the last success", example = "0")
        int consecutiveFailures,
    @Schema(
            readOnly = true,
            description = "Why the last attempt failed; null after a success",
            nullable = true,
            example = "connection refused")
        String lastError,
    @Schema(readOnly = true, nullable = true, description = "Null before the first attempt")
        Instant lastAttemptAt,
    @Schema(readOnly = true, nullable = true, description = "Null before the first success")
        Instant lastSuccessAt,
    @Schema(
            readOnly = true,
            nullable = true,
            description = "When a failing target is tried again; null when none is due")
        Instant nextAttemptAt,
    @Schema(
            readOnly = true,
            nullable = true,
            description = "Last full rewrite; null while one is pending")
        Instant lastReconcileAt) {}
