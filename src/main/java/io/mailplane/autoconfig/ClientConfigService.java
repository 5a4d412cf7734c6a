package io.mailplane.autoconfig;

import io.mailplane.api.ApiException;
import io.mailplane.common.DomainNames;
import io.mailplane.common.InvalidValueException;
import io.mailplane.common.MailAddress;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Locale;
import java.util.Optional;
import javax.xml.stream.XMLStreamException;

/**
 * Answers autoconfig and autodiscover requests, for the API port and the dedicated listener alike.
 * Nothing needs a login: the documents hold host names and ports, never an account's data, and the
 * same document goes to every address of a domain.
 */
@ApplicationScoped
public class ClientConfigService {
  static final String MOZILLA_TYPE = "application/xml";
  static final String OUTLOOK_TYPE = "text/xml";

  /** Longest address RFC 5321 allows in a path, plus nothing: anything longer is not an address. */
  private static final int MAX_ADDRESS = 254;

  @Inject AutoconfigConfig config;
  @Inject ClientSettings settings;

  /** A document to send: its media type and text. */
  public record Document(String mediaType, String body) {}

  /**
   * Thunderbird's request: ?emailaddress= when it knows the address (it always does today), else
   * the host it asked (autoconfig.&lt;domain&gt;).
   */
  public Document mozilla(String emailAddress, String hostHeader) {
    ClientSettings.MailDomain domain = domainOf(parsed(emailAddress), hostHeader);
    return new Document(
        MOZILLA_TYPE,
        ClientDocuments.mozilla(domain, settings.mailHost(domain.hosted()), settings.servers()));
  }

  /** Outlook's request: the address from the POST body, from ?emailaddress= on a GET. */
  public Document outlook(String emailAddress, String body, String hostHeader) {
    String named = emailAddress;
    if (body != null && !body.isBlank()) {
      try {
        named = ClientDocuments.outlookAddress(body).orElse(null);
      } catch (XMLStreamException e) {
        // The parser's message may quote the body: it is not repeated to the caller.
        throw ApiException.invalid(
            "body", "must be an autodiscover request (well-formed XML, no DTD)");
      }
    }
    Optional<MailAddress> address = parsed(named);
    ClientSettings.MailDomain domain = domainOf(address, hostHeader);
    // Login names are mailboxes of the hosted domain, also for an address of an alias domain.
    Optional<String> login = address.map(a -> a.localPart() + "@" + domain.hosted());
    return new Document(
        OUTLOOK_TYPE,
        ClientDocuments.outlook(settings.mailHost(domain.hosted()), settings.servers(), login));
  }

  private static Optional<MailAddress> parsed(String emailAddress) {
    if (emailAddress == null || emailAddress.isEmpty()) {
      return Optional.empty();
    }
    try {
      if (emailAddress.length() > MAX_ADDRESS) {
        throw new InvalidValueException("emailaddress", "too long");
      }
      return Optional.of(MailAddress.parse(emailAddress, "emailaddress", false));
    } catch (InvalidValueException e) {
      // A fixed message: the refused value is never echoed.
      throw ApiException.invalid("emailaddress", "must be an address like user@example.com");
    }
  }

  private ClientSettings.MailDomain domainOf(Optional<MailAddress> address, String hostHeader) {
    if (!config.enabled()) {
      throw notHosted();
    }
    Optional<String> name = address.map(MailAddress::domain).or(() -> fromHost(hostHeader));
    return name.flatMap(settings::find).orElseThrow(ClientConfigService::notHosted);
  }

  /** autoconfig.example.com[:port] or autodiscover.example.com → example.com, when valid. */
  private static Optional<String> fromHost(String hostHeader) {
    if (hostHeader == null || hostHeader.length() > MAX_ADDRESS) {
      return Optional.empty();
    }
    String host = hostHeader.toLowerCase(Locale.ROOT);
    int colon = host.lastIndexOf(':');
    if (colon >= 0 && host.indexOf(']') < colon) {
      host = host.substring(0, colon);
    }
    for (String prefix : new String[] {"autoconfig.", "autodiscover."}) {
      if (host.startsWith(prefix)) {
        try {
          return Optional.of(DomainNames.normalize(host.substring(prefix.length()), "host"));
        } catch (InvalidValueException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  /** One answer for unknown, disabled and unnamed domains alike, which names none of them. */
  private static ApiException notHosted() {
    return new ApiException(
        io.mailplane.api.ProblemKind.NOT_FOUND, "no mail domain hosted here matches the request");
  }
}
