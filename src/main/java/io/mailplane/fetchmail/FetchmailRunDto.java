package io.mailplane.fetchmail;

import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(
    name = "FetchmailRun",
    description = "One run of fetchmail for an account; poll it until status is `finished`")
public record FetchmailRunDto(
    @Schema(readOnly = true, example = "42") Long id,
    @Schema(readOnly = true, description = "The account's id", example = "7") Long account,
    @Schema(
            readOnly = true,
            enumeration = {"schedule", "manual"},
            description = "What started it")
        String trigger,
    @Schema(
            readOnly = true,
            enumeration = {"queued", "running", "finished"})
        String status,
    @Schema(
            readOnly = true,
            nullable = true,
            enumeration = {
              "fetched",
              "no_mail",
              "auth_failed",
              "connect_failed",
              "tls_failed",
              "timeout",
              "host_refused",
              "error"
            },
            description =
                "`host_refused`: the host is or resolves to an address fetchmail may not"
                    + " connect to (loopback, private, link-local, ...); nothing was connected to")
        String outcome,
    @Schema(readOnly = true, nullable = true, description = "fetchmail's exit code", example = "0")
        Integer exitCode,
    @Schema(readOnly = true, nullable = true, description = "Messages fetched", example = "3")
        Integer messages,
    @Schema(
            readOnly = true,
            nullable = true,
            description = "The scheduler instance that ran it",
            example = "mail-1-1700000000000")
        String instance,
    @Schema(readOnly = true, type = SchemaType.STRING, format = "date-time") Instant queuedAt,
    @Schema(readOnly = true, nullable = true, type = SchemaType.STRING, format = "date-time")
        Instant startedAt,
    @Schema(readOnly = true, nullable = true, type = SchemaType.STRING, format = "date-time")
        Instant finishedAt,
    @Schema(
            readOnly = true,
            nullable = true,
            description = "The end of fetchmail's output, secrets removed",
            example = "fetchmail: 2 messages for alice at imap.example.net (2048 octets).")
        String log) {

  static FetchmailRunDto of(FetchmailRun run) {
    return new FetchmailRunDto(
        run.id,
        run.accountId,
        run.trigger,
        run.status,
        run.outcome,
        run.exitCode,
        run.messages,
        run.instance,
        run.queuedAt,
        run.startedAt,
        run.finishedAt,
        run.logTail);
  }
}
