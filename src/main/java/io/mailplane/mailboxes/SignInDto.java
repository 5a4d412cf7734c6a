package io.mailplane.mailboxes;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(name = "SignIn", description = "A mailbox's address and mail password")
public record SignInDto(
    @Schema(required = true, maxLength = 320, example = "john@example.com") String address,
    @Schema(
            writeOnly = true,
            required = true,
            maxLength = 1024,
            example = "correct horse battery staple")
        String password) {}
