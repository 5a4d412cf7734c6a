package io.mailplane.mailboxes;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(
    name = "PasswordChange",
    description =
        "A mailbox owner's own password change: the current password proves it is the owner")
public record PasswordChangeDto(
    @Schema(
            writeOnly = true,
            required = true,
            maxLength = 1024,
            example = "correct horse battery staple")
        String currentPassword,
    @Schema(
            writeOnly = true,
            required = true,
            maxLength = 1024,
            description =
                "Between mailplane.passwords.min-length and max-length characters, not the address,"
                    + " not in the breached-password list",
            example = "tumble weed orbit lantern")
        String newPassword,
    @Schema(
            description =
                "Also end the mailbox's open IMAP/POP3 sessions and its other API sign-in sessions;"
                    + " default false",
            example = "true")
        Boolean endOtherSessions) {}
