package io.mailplane.api;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.info.License;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.servers.Server;

@OpenAPIDefinition(
    info =
        @Info(
            title = "mailplane",
            version = "1.0.0",
            description =
                "Control plane of a containerized mail server: domains, mailboxes, aliases and the"
                    + " configuration Postfix, Dovecot and Rspamd read.",
            license = @License(name = "Apache-2.0")),
    // Relative: the server the document was fetched from (/q/openapi). A published copy can name
    // the public URL with mp.openapi.servers; SDK users pass their base URL to the client.
    servers = @Server(url = "/", description = "The mailplane server serving this document"))
@SecurityScheme(
    securitySchemeName = "bearer",
    type = SecuritySchemeType.HTTP,
    scheme = "bearer",
    description = "An API token: `Authorization: Bearer <token>`")
public class MailplaneApplication extends Application {}
