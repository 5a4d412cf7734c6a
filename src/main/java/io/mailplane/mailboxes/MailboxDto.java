package io.mailplane.mailboxes;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(
    name = "Mailbox",
    description = "A mailbox that receives mail and logs in over IMAP/POP3/SMTP")
public record MailboxDto(
    @Schema(description = "The address, key of the resource", example = "john@example.com")
        String address,
    @Size(max = 255) @Schema(nullable = true, example = "John Doe") String displayName,
    @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(
            writeOnly = true,
            description =
                "New password, hashed by the server. On PUT/PATCH an absent password keeps the current one.",
            example = "correct horse battery staple")
        String password,
    @JsonInclude(JsonInclude.Include.NON_NULL)
        @Size(max = 1024)
        @Schema(
            writeOnly = true,
            description =
                "A Dovecot password hash to store as is (migrations), instead of `password`",
            example = "$2y$11$abcdefghijklmnopqrstuu6vnWrfvpk8ZBqUBmHVPoOJpZ5rSrXsS")
        String passwordHash,
    @PositiveOrZero
        @Max(16_777_216)
        @Schema(
            description = "Quota in MiB, 0 = unlimited; absent = the domain's default",
            example = "2048")
        Long quotaMb,
    @Schema(
            description = "Disabled mailboxes receive no mail and cannot log in; default true",
            example = "true")
        Boolean enabled,
    @Schema(
            description =
                "May send (SMTP AUTH) but not receive mail or log in over IMAP/POP3; default false",
            example = "false")
        Boolean sendOnly,
    @Schema(
            description =
                "The seed admin's `admin` flag, carried by imports. Only admins may set it; absent"
                    + " keeps the current value (false on create). A mailbox signed in with it acts with"
                    + " the `admin` scope.",
            example = "false")
        Boolean admin,
    @Schema(
            description =
                "The seed admin's `domain_admin` flag, carried by imports. Only admins may set it;"
                    + " absent keeps the current value (false on create). A mailbox signed in with it acts with"
                    + " the `domain:<its domain>` scope.",
            example = "false")
        Boolean domainAdmin,
    @Schema(readOnly = true, example = "example.com") String domain,
    @Schema(
            readOnly = true,
            description = "Dovecot scheme of the stored hash",
            example = "BLF-CRYPT")
        String passwordScheme,
    @Schema(readOnly = true, example = "1") Long version,
    @Schema(readOnly = true, type = SchemaType.STRING, format = "date-time") Instant createdAt,
    @Schema(readOnly = true, type = SchemaType.STRING, format = "date-time") Instant updatedAt) {
  /**
   * The request as a create or replace stores it, where the default does not depend on the stored
   * mailbox: the display name stripped, enabled and not send-only unless said otherwise. (An absent
   * quota takes the domain's default; absent admin flags and password keep the stored ones.) The
   * one place of these defaults: the service applies them, the configuration document compares.
   */
  public MailboxDto withDefaults() {
    return new MailboxDto(
        address,
        displayName == null ? null : displayName.strip(),
        password,
        passwordHash,
        quotaMb,
        enabled == null || enabled,
        sendOnly != null && sendOnly,
        admin,
        domainAdmin,
        domain,
        passwordScheme,
        version,
        createdAt,
        updatedAt);
  }
}
