package io.mailplane.autoconfig;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.OptionalInt;

/**
 * What mail clients are told to connect to (Mozilla autoconfig, Outlook autodiscover, the Apple
 * profile, the RFC 6186 SRV records of the DNS report). The host is the mail host of the DNS report
 * (mailplane.dns.mail-hostname, else mail.&lt;domain&gt;). A port of 0 leaves the service out.
 */
@ConfigMapping(prefix = "mailplane.autoconfig")
public interface AutoconfigConfig {
  /** Serve autoconfig and autodiscover; off answers 404 there. */
  @WithDefault("true")
  boolean enabled();

  /** IMAP with STARTTLS (the seed's only offer). */
  @WithDefault("143")
  int imapPort();

  /** IMAP over implicit TLS (RFC 8314), e.g. 993. */
  @WithDefault("0")
  int imapsPort();

  /** POP3 with STARTTLS, e.g. 110. */
  @WithDefault("0")
  int pop3Port();

  /** POP3 over implicit TLS, e.g. 995. */
  @WithDefault("0")
  int pop3sPort();

  /** Submission with STARTTLS (RFC 6409). */
  @WithDefault("587")
  int submissionPort();

  /** Submission over implicit TLS (RFC 8314), e.g. 465. */
  @WithDefault("0")
  int submissionsPort();

  Listener listener();

  interface Listener {
    /**
     * A second listener that serves only the autoconfig and autodiscover paths, so they can be
     * reachable from the internet while the API port is not. Unset: no such listener.
     */
    OptionalInt port();

    /** Address of that listener. */
    @WithDefault("0.0.0.0")
    String host();
  }
}
