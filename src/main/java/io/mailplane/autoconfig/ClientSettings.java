package io.mailplane.autoconfig;

import io.mailplane.aliases.AliasDomain;
import io.mailplane.dns.DnsService;
import io.mailplane.domains.Domain;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The servers mail clients are offered, and which domains they are offered for. */
@ApplicationScoped
public class ClientSettings {
  @Inject AutoconfigConfig config;
  @Inject DnsService dns;

  /**
   * A hosted domain and its alias domains, as seen from the name a client asked about.
   *
   * @param asked the A-label the client's address is in (the hosted domain or one of its aliases)
   * @param hosted the hosted domain, where the mailboxes (and so the login names) are
   * @param aliasDomains the enabled alias domains of the hosted domain
   */
  public record MailDomain(String asked, String hosted, List<String> aliasDomains) {
    public boolean viaAlias() {
      return !asked.equals(hosted);
    }
  }

  /**
   * The services offered, most preferred first: implicit TLS before STARTTLS (RFC 8314 §3.1), IMAP
   * before POP3.
   */
  public List<MailServer> servers() {
    List<MailServer> servers = new ArrayList<>();
    add(servers, "imap", config.imapsPort(), true);
    add(servers, "imap", config.imapPort(), false);
    add(servers, "pop3", config.pop3sPort(), true);
    add(servers, "pop3", config.pop3Port(), false);
    add(servers, "smtp", config.submissionsPort(), true);
    add(servers, "smtp", config.submissionPort(), false);
    return servers;
  }

  /** The preferred server of one kind (incoming or outgoing); empty when none is offered. */
  public Optional<MailServer> preferred(boolean incoming) {
    return servers().stream().filter(s -> s.incoming() == incoming).findFirst();
  }

  private static void add(List<MailServer> servers, String protocol, int port, boolean tls) {
    if (port > 0) {
      servers.add(new MailServer(protocol, port, tls));
    }
  }

  public String mailHost(String domain) {
    return dns.mailHost(domain);
  }

  /**
   * The enabled hosted domain a name belongs to (itself or as an enabled alias domain); empty for a
   * name mailplane does not host, or whose mail is switched off.
   */
  @Transactional
  public Optional<MailDomain> find(String aLabel) {
    Domain hosted = Domain.findByName(aLabel);
    if (hosted == null) {
      AliasDomain alias = AliasDomain.findByName(aLabel);
      if (alias == null || !alias.enabled) {
        return Optional.empty();
      }
      hosted = alias.target;
    }
    if (!hosted.enabled) {
      return Optional.empty();
    }
    List<String> aliases =
        AliasDomain.<AliasDomain>list("target = ?1 and enabled = true order by name", hosted)
            .stream()
            .map(a -> a.name)
            .toList();
    return Optional.of(new MailDomain(aLabel, hosted.name, aliases));
  }
}
