package io.mailplane.autoconfig;

/**
 * One service a mail client may use.
 *
 * @param protocol imap, pop3 or smtp
 * @param port the TCP port
 * @param implicitTls TLS from the first byte (993, 995, 465) rather than STARTTLS
 */
public record MailServer(String protocol, int port, boolean implicitTls) {
  public boolean incoming() {
    return !protocol.equals("smtp");
  }

  /** The RFC 6186 / RFC 8314 SRV service label, e.g. "_imaps". */
  public String srvService() {
    String name = protocol.equals("smtp") ? "submission" : protocol;
    return "_" + name + (implicitTls ? "s" : "");
  }
}
