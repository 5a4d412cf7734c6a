package io.mailplane.appleprofile;

import io.mailplane.autoconfig.MailServer;
import java.io.StringWriter;
import java.util.Locale;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * The profile's XML property list. Written with a StAX writer so that a display name holding '&lt;'
 * or '&amp;' stays text; no plist library is worth a dependency for one fixed dictionary.
 */
final class PropertyList {
  private static final XMLOutputFactory OUTPUT = XMLOutputFactory.newFactory();

  private PropertyList() {}

  static String mailAccount(
      String address, String displayName, String host, MailServer incoming, MailServer outgoing) {
    String reverseHost = reverse(host);
    String accountId = reverseHost + ".mailplane.mail." + address.replace('@', '.');
    StringWriter out = new StringWriter();
    try {
      XMLStreamWriter xml = OUTPUT.createXMLStreamWriter(out);
      xml.writeStartDocument("UTF-8", "1.0");
      xml.writeDTD(
          "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\""
              + " \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">");
      xml.writeStartElement("plist");
      xml.writeAttribute("version", "1.0");
      xml.writeStartElement("dict");
      key(xml, "PayloadContent");
      xml.writeStartElement("array");
      xml.writeStartElement("dict");
      string(xml, "EmailAccountDescription", address);
      if (displayName != null && !displayName.isBlank()) {
        string(xml, "EmailAccountName", displayName);
      }
      string(
          xml,
          "EmailAccountType",
          incoming.protocol().equals("pop3") ? "EmailTypePOP" : "EmailTypeIMAP");
      string(xml, "EmailAddress", address);
      string(xml, "IncomingMailServerAuthentication", "EmailAuthPassword");
      string(xml, "IncomingMailServerHostName", host);
      integer(xml, "IncomingMailServerPortNumber", incoming.port());
      // Apple's UseSSL means TLS on that port, by STARTTLS or from the first byte as the port says.
      bool(xml, "IncomingMailServerUseSSL", true);
      string(xml, "IncomingMailServerUsername", address);
      string(xml, "OutgoingMailServerAuthentication", "EmailAuthPassword");
      string(xml, "OutgoingMailServerHostName", host);
      integer(xml, "OutgoingMailServerPortNumber", outgoing.port());
      bool(xml, "OutgoingMailServerUseSSL", true);
      string(xml, "OutgoingMailServerUsername", address);
      bool(xml, "OutgoingPasswordSameAsIncomingPassword", true);
      string(xml, "PayloadDescription", "Mail account " + address);
      string(xml, "PayloadDisplayName", address);
      string(xml, "PayloadIdentifier", accountId + ".account");
      string(xml, "PayloadType", "com.apple.mail.managed");
      string(xml, "PayloadUUID", AppleProfiles.uuid("account", host, address));
      integer(xml, "PayloadVersion", 1);
      bool(xml, "PreventAppSheet", false);
      bool(xml, "PreventMove", false);
      bool(xml, "SMIMEEnabled", false);
      xml.writeEndElement();
      xml.writeEndElement();
      string(xml, "PayloadDescription", "Sets up " + address + " in Mail");
      string(xml, "PayloadDisplayName", address);
      string(xml, "PayloadIdentifier", accountId);
      bool(xml, "PayloadRemovalDisallowed", false);
      string(xml, "PayloadType", "Configuration");
      string(xml, "PayloadUUID", AppleProfiles.uuid("profile", host, address));
      integer(xml, "PayloadVersion", 1);
      xml.writeEndElement();
      xml.writeEndElement();
      xml.writeEndDocument();
      xml.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("writing the profile", e);
    }
    return out.toString();
  }

  /** mail.example.com → com.example.mail, the reverse-DNS style Apple's identifiers use. */
  private static String reverse(String host) {
    String[] labels = host.toLowerCase(Locale.ROOT).split("\\.");
    StringBuilder out = new StringBuilder();
    for (int i = labels.length - 1; i >= 0; i--) {
      out.append(labels[i]);
      if (i > 0) {
        out.append('.');
      }
    }
    return out.toString();
  }

  private static void key(XMLStreamWriter xml, String name) throws XMLStreamException {
    xml.writeStartElement("key");
    xml.writeCharacters(name);
    xml.writeEndElement();
  }

  private static void string(XMLStreamWriter xml, String name, String value)
      throws XMLStreamException {
    key(xml, name);
    xml.writeStartElement("string");
    xml.writeCharacters(value);
    xml.writeEndElement();
  }

  private static void integer(XMLStreamWriter xml, String name, int value)
      throws XMLStreamException {
    key(xml, name);
    xml.writeStartElement("integer");
    xml.writeCharacters(Integer.toString(value));
    xml.writeEndElement();
  }

  private static void bool(XMLStreamWriter xml, String name, boolean value)
      throws XMLStreamException {
    key(xml, name);
    xml.writeEmptyElement(value ? "true" : "false");
  }
}
