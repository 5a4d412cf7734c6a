package io.mailplane.fetchmail;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(
    name = "FetchmailAccount",
    description =
        "A remote POP3/IMAP mailbox whose mail is fetched into a local mailbox on a schedule")
public record FetchmailAccountDto(
    @Schema(
            readOnly = true,
            description = "Server-generated id, key of the resource",
            example = "7")
        Long id,
    @Schema(
            description = "The local mailbox that receives the mail (must exist)",
            example = "john@example.com")
        String mailbox,
    @Schema(description = "Remote server: host name or IP address", example = "pop.example.net")
        String host,
    @Min(1)
        @Max(65535)
        @Schema(
            description =
                "Remote port; absent = the protocol's default (143/110, or 993/995 with tls)",
            example = "143")
        Integer port,
    @Schema(
            enumeration = {"imap", "pop3"},
            example = "imap")
        String protocol,
    @Schema(description = "Login name on the remote server", example = "john.doe") String username,
    @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(
            writeOnly = true,
            description =
                "Remote password, stored encrypted; required on create, absent on PUT/PATCH keeps it",
            example = "s3cret-remote")
        String password,
    @Schema(
            enumeration = {"none", "starttls", "tls"},
            description =
                "Connection security. starttls (default): STARTTLS is required, and a server that"
                    + " does not offer it is never sent the password; tls: implicit TLS (993/995);"
                    + " none: no encryption at all, the password and the mail cross the network in"
                    + " clear, even when the server offers STARTTLS. none is never a default: set"
                    + " it per account, only for a server that has no TLS. The seed's ssl = 0 is"
                    + " starttls, not none.",
            example = "starttls")
        String tls,
    @Schema(
            description =
                "Check the server's certificate and name (ignored with tls none); default true",
            example = "true")
        Boolean verifyCertificate,
    @Size(max = RcFile.MAX_FOLDERS)
        @Schema(
            description = "IMAP folders to fetch; empty = INBOX. Not allowed with pop3.",
            example = "[\"INBOX\"]")
        List<String> folders,
    @Schema(
            description =
                "Leave fetched mail on the remote server (never fetched twice); default false",
            example = "false")
        Boolean keep,
    @Schema(
            description = "Fetch old (seen) messages too, not only new ones; default false",
            example = "false")
        Boolean fetchAll,
    @Schema(
            description =
                "Seconds between runs; at least mailplane.fetchmail.min-interval; default 300",
            example = "300")
        Integer intervalSeconds,
    @Schema(description = "Scheduled runs happen only when enabled; default true", example = "true")
        Boolean enabled,
    @Schema(
            readOnly = true,
            nullable = true,
            description =
                "Why the server disabled the account (e.g. repeated authentication failures)",
            example = "disabled after 5 consecutive authentication failures")
        String disabledReason,
    @Schema(
            readOnly = true,
            description = "Failed runs since the last successful one",
            example = "0")
        Integer consecutiveFailures,
    @Schema(readOnly = true, nullable = true, description = "The latest run")
        FetchmailRunDto lastRun,
    @Schema(
            readOnly = true,
            nullable = true,
            type = SchemaType.STRING,
            format = "date-time",
            description = "When the next scheduled run is due")
        Instant nextRunAt,
    @Schema(readOnly = true, example = "1") Long version,
    @Schema(readOnly = true, type = SchemaType.STRING, format = "date-time") Instant createdAt,
    @Schema(readOnly = true, type = SchemaType.STRING, format = "date-time") Instant updatedAt) {}
