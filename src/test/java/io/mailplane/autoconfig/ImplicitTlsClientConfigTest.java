package io.mailplane.autoconfig;

import static io.mailplane.TestApi.createDomain;
import static io.mailplane.TestApi.createMailbox;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.MailDaemons;
import io.mailplane.NeedsDaemons;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * The implicit-TLS services (IMAPS, POP3S, submissions; RFC 8314) the autoconfig and autodiscover
 * documents offer are real: the test Dovecot and Postfix listen on the ports the documents name
 * (deploy/local/test-services-env.sh), and a client that takes the host and port from the document
 * completes a TLS handshake from the first byte, verifies the certificate for that host name
 * against the daemons' certificate, and logs in.
 */
@NeedsDaemons
@QuarkusTest
@TestProfile(ImplicitTlsClientConfigTest.ImplicitTlsProfile.class)
class ImplicitTlsClientConfigTest {
  static final String PASSWORD = "Correct-Horse-Battery-9";
  static final String STATE = MailDaemons.setting("MAILPLANE_MAIL_DIR");

  public static class ImplicitTlsProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "mailplane.dns.mail-hostname", "localhost",
          "mailplane.autoconfig.imap-port", "" + MailDaemons.port("MAILPLANE_IMAP_PORT"),
          "mailplane.autoconfig.imaps-port", "" + MailDaemons.port("MAILPLANE_IMAPS_PORT"),
          "mailplane.autoconfig.pop3-port", "" + MailDaemons.port("MAILPLANE_POP3_PORT"),
          "mailplane.autoconfig.pop3s-port", "" + MailDaemons.port("MAILPLANE_POP3S_PORT"),
          "mailplane.autoconfig.submission-port",
              "" + MailDaemons.port("MAILPLANE_SUBMISSION_LISTEN"),
          "mailplane.autoconfig.submissions-port",
              "" + MailDaemons.port("MAILPLANE_SUBMISSIONS_LISTEN"));
    }
  }

  @Test
  void everyImplicitTlsServiceTheDocumentsNameAnswersTlsAndTakesTheLogin() throws Exception {
    String domain = createDomain();
    String user = "tls@" + domain;
    createMailbox(user, PASSWORD);

    Document mozilla =
        AutoconfigTest.xml(
            given()
                .queryParam("emailaddress", user)
                .get("/mail/config-v1.1.xml")
                .then()
                .statusCode(200)
                .extract()
                .asString());
    List<String> offered = new ArrayList<>();
    for (String kind : List.of("incomingServer", "outgoingServer")) {
      List<String> types = AutoconfigTest.texts(mozilla, "//" + kind + "/@type");
      List<String> hosts = AutoconfigTest.texts(mozilla, "//" + kind + "/hostname");
      List<String> ports = AutoconfigTest.texts(mozilla, "//" + kind + "/port");
      List<String> sockets = AutoconfigTest.texts(mozilla, "//" + kind + "/socketType");
      for (int i = 0; i < types.size(); i++) {
        if (sockets.get(i).equals("SSL")) {
          String service = types.get(i) + " " + ports.get(i);
          offered.add(service);
          assertTrue(
              loginOverImplicitTls(
                  types.get(i), hosts.get(i), Integer.parseInt(ports.get(i)), user, PASSWORD),
              service);
          assertTrue(
              !loginOverImplicitTls(
                  types.get(i),
                  hosts.get(i),
                  Integer.parseInt(ports.get(i)),
                  user,
                  "wrong-password-1"),
              service + " took a wrong password");
        }
      }
    }
    assertEquals(
        List.of(
            "imap " + MailDaemons.port("MAILPLANE_IMAPS_PORT"),
            "pop3 " + MailDaemons.port("MAILPLANE_POP3S_PORT"),
            "smtp " + MailDaemons.port("MAILPLANE_SUBMISSIONS_LISTEN")),
        offered);

    // Outlook is told the same ports, marked as TLS from the first byte.
    Document outlook =
        AutoconfigTest.xml(
            given()
                .contentType("text/xml")
                .body(AutoconfigTest.outlookRequest(user))
                .post("/autodiscover/autodiscover.xml")
                .then()
                .statusCode(200)
                .extract()
                .asString());
    String protocol = "//*[local-name()='Protocol'][*[local-name()='Encryption']='SSL']/";
    assertEquals(
        List.of("IMAP", "POP3", "SMTP"),
        AutoconfigTest.texts(outlook, protocol + "*[local-name()='Type']"));
    assertEquals(
        offered.stream().map(s -> s.substring(s.indexOf(' ') + 1)).toList(),
        AutoconfigTest.texts(outlook, protocol + "*[local-name()='Port']"));
  }

  /**
   * TLS from the first byte to host:port, the certificate checked for that host name against the
   * test daemons' own certificate, then the protocol's plain login.
   */
  private static boolean loginOverImplicitTls(
      String type, String host, int port, String user, String password) throws Exception {
    try (SSLSocket socket = (SSLSocket) tls().getSocketFactory().createSocket(host, port)) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(parameters);
      socket.setSoTimeout(30_000);
      socket.startHandshake();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      OutputStream out = socket.getOutputStream();
      return switch (type) {
        case "imap" -> {
          assertTrue(in.readLine().startsWith("* OK"));
          yield command(out, in, "a LOGIN \"" + user + "\" \"" + password + "\"", "a ")
              .startsWith("a OK");
        }
        case "pop3" -> {
          assertTrue(in.readLine().startsWith("+OK"));
          command(out, in, "USER " + user, "");
          yield command(out, in, "PASS " + password, "").startsWith("+OK");
        }
        case "smtp" -> {
          assertTrue(in.readLine().startsWith("220"));
          command(out, in, "EHLO client.mailplane.test", "250 ");
          String plain =
              Base64.getEncoder()
                  .encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
          yield command(out, in, "AUTH PLAIN " + plain, "").startsWith("235");
        }
        default -> throw new AssertionError("unexpected server type " + type);
      };
    }
  }

  /** Sends one line; answers the first reply line that starts with {@code last} ("": any). */
  private static String command(OutputStream out, BufferedReader in, String line, String last)
      throws Exception {
    out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
    StringBuilder reply = new StringBuilder();
    for (String read = in.readLine(); read != null; read = in.readLine()) {
      reply.append(read).append('\n');
      if (read.startsWith(last)) {
        return read;
      }
    }
    throw new AssertionError("connection closed after " + reply);
  }

  /** Trusts exactly the certificate the test daemons serve. */
  private static SSLContext tls() throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream pem = Files.newInputStream(Path.of(STATE, "tls/tls.crt"))) {
      trust.setCertificateEntry(
          "daemons", CertificateFactory.getInstance("X.509").generateCertificate(pem));
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }
}
