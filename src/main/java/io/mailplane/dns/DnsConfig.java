package io.mailplane.dns;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The DNS records a hosted domain needs, and how live checks resolve them. */
@ConfigMapping(prefix = "mailplane.dns")
public interface DnsConfig {
  /** Host name of the mail server (MX target, CNAME target); default "mail.&lt;domain&gt;". */
  Optional<String> mailHostname();

  /**
   * The mail host's public addresses (IPv4 and IPv6). Set, the report expects exactly these as A
   * and AAAA records and a PTR for each that names the mail host; unset, any A/AAAA passes and the
   * PTR of each address found is checked.
   */
  Optional<List<String>> mailHostAddresses();

  /** MX preference. */
  @WithDefault("10")
  int mxPriority();

  /** SPF TXT value at the domain. */
  @WithDefault("v=spf1 mx -all")
  String spf();

  Dmarc dmarc();

  MtaSts mtaSts();

  TlsRpt tlsRpt();

  /** autoconfig.&lt;domain&gt; and autodiscover.&lt;domain&gt; CNAMEs to the mail host. */
  @WithDefault("false")
  boolean autoconfig();

  /** Resolver for ?check=true, "host" or "host:port"; default: the system's resolvers. */
  Optional<String> resolver();

  /** Per-query timeout of a live check; the whole check waits at most about this long. */
  @WithDefault("3s")
  Duration timeout();

  interface Dmarc {
    /** p= of the _dmarc record: none, quarantine or reject. */
    @WithDefault("quarantine")
    String policy();

    /** rua= (aggregate reports), e.g. "mailto:dmarc@example.com"; "{domain}" is replaced. */
    Optional<String> rua();
  }

  interface MtaSts {
    /** Publish _mta-sts TXT (the policy file itself is served elsewhere). */
    @WithDefault("false")
    boolean enabled();

    /** id= of the _mta-sts record; change it whenever the policy changes. */
    @WithDefault("1")
    String id();
  }

  interface TlsRpt {
    /** Publish _smtp._tls TXT. */
    @WithDefault("false")
    boolean enabled();

    /** rua= of the TLS-RPT record; "{domain}" is replaced. */
    @WithDefault("mailto:tlsrpt@{domain}")
    String rua();
  }
}
