package io.mailplane.autoconfig;

import io.mailplane.common.DomainNames;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import java.util.Optional;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import javax.xml.stream.XMLStreamWriter;

/**
 * The XML documents mail clients read. Written with a StAX writer, never by string concatenation,
 * so every value is escaped whatever it holds; the only request value that reaches a document is an
 * address that {@link io.mailplane.common.MailAddress} has already parsed and normalized.
 */
final class ClientDocuments {
  static final String OUTLOOK_RESPONSE_SCHEMA =
      "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";
  private static final String AUTODISCOVER_RESPONSE =
      "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006";

  private static final XMLOutputFactory OUTPUT = XMLOutputFactory.newFactory();
  private static final XMLInputFactory INPUT = safeInput();

  private ClientDocuments() {}

  /**
   * Mozilla's clientConfig 1.1 (the format Thunderbird, K-9/Thunderbird for Android and others
   * read). The user name is Thunderbird's placeholder, not the address the request named: the
   * document is the same for every user of a domain. Through an alias domain the login is the
   * mailbox in the hosted domain, so the local part is kept and the domain replaced.
   */
  static String mozilla(ClientSettings.MailDomain domain, String host, List<MailServer> servers) {
    String username = domain.viaAlias() ? "%EMAILLOCALPART%@" + domain.hosted() : "%EMAILADDRESS%";
    return write(
        xml -> {
          xml.writeStartElement("clientConfig");
          xml.writeAttribute("version", "1.1");
          xml.writeStartElement("emailProvider");
          xml.writeAttribute("id", domain.hosted());
          element(xml, "domain", domain.hosted());
          for (String alias : domain.aliasDomains()) {
            element(xml, "domain", alias);
          }
          element(xml, "displayName", DomainNames.toUnicode(domain.hosted()));
          element(xml, "displayShortName", DomainNames.toUnicode(domain.hosted()));
          for (MailServer server : servers) {
            xml.writeStartElement(server.incoming() ? "incomingServer" : "outgoingServer");
            xml.writeAttribute("type", server.protocol());
            element(xml, "hostname", host);
            element(xml, "port", Integer.toString(server.port()));
            element(xml, "socketType", server.implicitTls() ? "SSL" : "STARTTLS");
            element(xml, "authentication", "password-cleartext");
            element(xml, "username", username);
            xml.writeEndElement();
          }
          xml.writeEndElement();
          xml.writeEndElement();
        });
  }

  /**
   * Outlook's POX autodiscover response. Outlook uses the first Protocol of each Type, so the
   * preferred server of each kind comes first; LoginName is left out when the request named no
   * address.
   */
  static String outlook(String host, List<MailServer> servers, Optional<String> loginName) {
    return write(
        xml -> {
          xml.setDefaultNamespace(AUTODISCOVER_RESPONSE);
          xml.writeStartElement(AUTODISCOVER_RESPONSE, "Autodiscover");
          xml.writeDefaultNamespace(AUTODISCOVER_RESPONSE);
          xml.setDefaultNamespace(OUTLOOK_RESPONSE_SCHEMA);
          xml.writeStartElement(OUTLOOK_RESPONSE_SCHEMA, "Response");
          xml.writeDefaultNamespace(OUTLOOK_RESPONSE_SCHEMA);
          xml.writeStartElement("Account");
          element(xml, "AccountType", "email");
          element(xml, "Action", "settings");
          for (MailServer server : servers) {
            xml.writeStartElement("Protocol");
            element(xml, "Type", server.protocol().toUpperCase(java.util.Locale.ROOT));
            element(xml, "Server", host);
            element(xml, "Port", Integer.toString(server.port()));
            element(xml, "DomainRequired", "off");
            if (loginName.isPresent()) {
              element(xml, "LoginName", loginName.get());
            }
            element(xml, "SPA", "off");
            // SSL = TLS from the first byte; Encryption TLS = STARTTLS (Outlook 2010 and later).
            element(xml, "SSL", "on");
            element(xml, "Encryption", server.implicitTls() ? "SSL" : "TLS");
            element(xml, "AuthRequired", "on");
            if (!server.incoming()) {
              element(xml, "UsePOPAuth", "on");
              element(xml, "SMTPLast", "off");
            }
            xml.writeEndElement();
          }
          xml.writeEndElement();
          xml.writeEndElement();
          xml.writeEndElement();
        });
  }

  /**
   * The EMailAddress of an Outlook autodiscover request body; empty when it names none. A body that
   * is not well-formed XML, or that carries a DTD (the way to entity expansion and external
   * entities), throws.
   */
  static Optional<String> outlookAddress(String body) throws XMLStreamException {
    XMLStreamReader reader = INPUT.createXMLStreamReader(new StringReader(body));
    try {
      Optional<String> address = Optional.empty();
      while (reader.hasNext()) {
        int event = reader.next();
        if (event == XMLStreamConstants.DTD || event == XMLStreamConstants.ENTITY_REFERENCE) {
          throw new XMLStreamException("a DTD or entity reference is not accepted");
        }
        if (event == XMLStreamConstants.START_ELEMENT
            && reader.getLocalName().equals("EMailAddress")
            && address.isEmpty()) {
          address = Optional.of(reader.getElementText().strip());
        }
      }
      return address;
    } finally {
      reader.close();
    }
  }

  /**
   * No DTDs, no external entities, entity references reported rather than replaced: the parser
   * resolves nothing and expands nothing, so neither XXE nor "billion laughs" can happen. The DTD
   * event is refused above as well, in case a parser implementation reports one anyway.
   */
  private static XMLInputFactory safeInput() {
    XMLInputFactory factory = XMLInputFactory.newFactory();
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
    factory.setXMLResolver(
        (publicId, systemId, baseUri, namespace) -> {
          throw new XMLStreamException("external resources are not resolved");
        });
    return factory;
  }

  private interface Body {
    void write(XMLStreamWriter xml) throws XMLStreamException;
  }

  private static String write(Body body) {
    StringWriter out = new StringWriter();
    try {
      XMLStreamWriter xml = OUTPUT.createXMLStreamWriter(out);
      xml.writeStartDocument("UTF-8", "1.0");
      body.write(xml);
      xml.writeEndDocument();
      xml.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("writing a client document", e);
    }
    return out.toString();
  }

  private static void element(XMLStreamWriter xml, String name, String text)
      throws XMLStreamException {
    xml.writeStartElement(name);
    xml.writeCharacters(text);
    xml.writeEndElement();
  }
}
