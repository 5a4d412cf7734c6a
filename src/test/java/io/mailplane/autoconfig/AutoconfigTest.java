package io.mailplane.autoconfig;

import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.createDomain;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.MailDaemons;
import io.mailplane.NeedsDaemons;
import io.mailplane.TestApi;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * Autoconfig and autodiscover as Thunderbird and Outlook read them, naming the ports the test
 * Postfix and Dovecot (deploy/local/mail-services.sh) listen on, which the test then talks to; on
 * the API port and on the dedicated listener; and hostile input through emailaddress and the
 * autodiscover body.
 */
@NeedsDaemons
@QuarkusTest
@TestProfile(AutoconfigTest.MailPortsProfile.class)
class AutoconfigTest {
  static final int IMAP = MailDaemons.port("MAILPLANE_IMAP_PORT");
  static final int POP3 = MailDaemons.port("MAILPLANE_POP3_PORT");
  static final int SUBMISSION = MailDaemons.port("MAILPLANE_SUBMISSION_LISTEN");

  public static class MailPortsProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      int listener;
      try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        listener = probe.getLocalPort();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      System.setProperty("mailplane.test.autoconfig-port", Integer.toString(listener));
      return Map.of(
          "mailplane.dns.mail-hostname", "localhost",
          "mailplane.autoconfig.imap-port", Integer.toString(IMAP),
          "mailplane.autoconfig.pop3-port", Integer.toString(POP3),
          "mailplane.autoconfig.submission-port", Integer.toString(SUBMISSION),
          "mailplane.autoconfig.listener.port", Integer.toString(listener),
          "mailplane.autoconfig.listener.host", "127.0.0.1");
    }
  }

  @Test
  void thunderbirdGetsEveryServerItReadsAndTheyAnswer() throws Exception {
    String domain = createDomain();
    String alias = TestApi.createAliasDomain(TestApi.uniqueDomain(), domain);
    for (String path :
        List.of("/mail/config-v1.1.xml", "/.well-known/autoconfig/mail/config-v1.1.xml")) {
      Document doc =
          xml(
              given()
                  .queryParam("emailaddress", "john@" + domain)
                  .get(path)
                  .then()
                  .statusCode(200)
                  .contentType("application/xml")
                  .extract()
                  .asString());
      assertEquals("1.1", text(doc, "/clientConfig/@version"));
      assertEquals(domain, text(doc, "/clientConfig/emailProvider/@id"));
      assertEquals(List.of(domain, alias), texts(doc, "/clientConfig/emailProvider/domain"));
      assertEquals(domain, text(doc, "//emailProvider/displayName"));
      assertEquals(domain, text(doc, "//emailProvider/displayShortName"));
      for (String[] server :
          new String[][] {
            {"incomingServer", "imap", Integer.toString(IMAP)},
            {"incomingServer", "pop3", Integer.toString(POP3)},
            {"outgoingServer", "smtp", Integer.toString(SUBMISSION)}
          }) {
        String at = "//" + server[0] + "[@type='" + server[1] + "']/";
        assertEquals("localhost", text(doc, at + "hostname"), path + " " + server[1]);
        assertEquals(server[2], text(doc, at + "port"));
        assertEquals("STARTTLS", text(doc, at + "socketType"));
        assertEquals("password-cleartext", text(doc, at + "authentication"));
        assertEquals("%EMAILADDRESS%", text(doc, at + "username"));
      }
    }
    // The named ports are the daemons', and each offers STARTTLS.
    assertTrue(talk(IMAP, "a CAPABILITY\r\n", "a ").contains("STARTTLS"));
    assertTrue(talk(POP3, "CAPA\r\n", ".").contains("STLS"));
    assertTrue(talk(SUBMISSION, "EHLO client.test\r\n", "250 ").contains("STARTTLS"));

    // Through the alias domain: same provider, the login is the mailbox in the hosted domain.
    Document viaAlias =
        xml(
            given()
                .queryParam("emailaddress", "john@" + alias)
                .get("/mail/config-v1.1.xml")
                .asString());
    assertEquals(domain, text(viaAlias, "/clientConfig/emailProvider/@id"));
    assertEquals(
        "%EMAILLOCALPART%@" + domain, text(viaAlias, "//incomingServer[@type='imap']/username"));

    // Without emailaddress, the host Thunderbird asked names the domain.
    given()
        .header("Host", "autoconfig." + domain)
        .get("/mail/config-v1.1.xml")
        .then()
        .statusCode(200);
  }

  @Test
  void outlookGetsItsSchemaFromPostAndGetOnBothSpellings() throws Exception {
    String domain = createDomain();
    String alias = TestApi.createAliasDomain(TestApi.uniqueDomain(), domain);
    for (String path :
        List.of("/autodiscover/autodiscover.xml", "/Autodiscover/Autodiscover.xml")) {
      Document doc =
          xml(
              given()
                  .contentType("text/xml")
                  .body(outlookRequest("Jane@" + alias))
                  .post(path)
                  .then()
                  .statusCode(200)
                  .contentType("text/xml")
                  .extract()
                  .asString());
      assertEquals(
          "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006",
          doc.getDocumentElement().getNamespaceURI());
      String account =
          "/*[local-name()='Autodiscover']/*[local-name()='Response']/*[local-name()='Account']/";
      assertEquals(
          ClientDocuments.OUTLOOK_RESPONSE_SCHEMA,
          ((org.w3c.dom.Element)
                  doc.getDocumentElement().getElementsByTagNameNS("*", "Response").item(0))
              .getNamespaceURI());
      assertEquals("email", text(doc, account + "*[local-name()='AccountType']"));
      assertEquals("settings", text(doc, account + "*[local-name()='Action']"));
      assertEquals(
          List.of("IMAP", "POP3", "SMTP"),
          texts(doc, account + "*[local-name()='Protocol']/*[local-name()='Type']"));
      assertEquals(
          List.of(Integer.toString(IMAP), Integer.toString(POP3), Integer.toString(SUBMISSION)),
          texts(doc, account + "*[local-name()='Protocol']/*[local-name()='Port']"));
      for (String element :
          List.of(
              "Server",
              "LoginName",
              "SSL",
              "Encryption",
              "SPA",
              "AuthRequired",
              "DomainRequired")) {
        List<String> values =
            texts(doc, account + "*[local-name()='Protocol']/*[local-name()='" + element + "']");
        assertEquals(3, values.size(), element);
      }
      assertEquals(
          List.of("localhost"),
          texts(doc, account + "*[local-name()='Protocol'][1]/*[local-name()='Server']"));
      assertEquals(
          "jane@" + domain,
          text(doc, account + "*[local-name()='Protocol'][1]/*[local-name()='LoginName']"));
      assertEquals(
          "TLS", text(doc, account + "*[local-name()='Protocol'][1]/*[local-name()='Encryption']"));
    }
    Document get =
        xml(
            given()
                .queryParam("emailaddress", "jane@" + domain)
                .get("/autodiscover/autodiscover.xml")
                .asString());
    assertEquals(3, texts(get, "//*[local-name()='Protocol']").size());
  }

  @Test
  void theDedicatedListenerServesTheDocumentsAndNothingElse() throws Exception {
    String domain = createDomain();
    int port = Integer.parseInt(System.getProperty("mailplane.test.autoconfig-port"));
    HttpClient client = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + port;
    HttpResponse<String> mozilla =
        client.send(
            HttpRequest.newBuilder(
                    URI.create(base + "/mail/config-v1.1.xml?emailaddress=a@" + domain))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, mozilla.statusCode());
    assertEquals(
        given().queryParam("emailaddress", "a@" + domain).get("/mail/config-v1.1.xml").asString(),
        mozilla.body());
    HttpResponse<String> outlook =
        client.send(
            HttpRequest.newBuilder(URI.create(base + "/Autodiscover/Autodiscover.xml"))
                .header("Content-Type", "text/xml")
                .POST(HttpRequest.BodyPublishers.ofString(outlookRequest("a@" + domain)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, outlook.statusCode());
    assertTrue(outlook.body().contains("<LoginName>a@" + domain + "</LoginName>"));
    for (String path : List.of("/api/v1/domains", "/q/health", "/mail/other.xml")) {
      HttpResponse<String> other =
          client.send(
              HttpRequest.newBuilder(URI.create(base + path))
                  .header("Authorization", "Bearer " + TestApi.ADMIN_TOKEN)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(404, other.statusCode(), path);
      assertFalse(other.body().contains(path), "the path is not echoed");
    }
    HttpResponse<String> unknown =
        client.send(
            HttpRequest.newBuilder(
                    URI.create(base + "/mail/config-v1.1.xml?emailaddress=a@not-hosted.example"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(404, unknown.statusCode());
    assertEquals(
        "application/problem+json", unknown.headers().firstValue("Content-Type").orElse(""));
  }

  @Test
  void unknownAndDisabledDomainsAre404AndNeverNamed() {
    String disabled = createDomain(Map.of("enabled", false));
    for (String address : List.of("a@not-hosted.example", "a@" + disabled)) {
      given()
          .queryParam("emailaddress", address)
          .get("/mail/config-v1.1.xml")
          .then()
          .statusCode(404)
          .contentType("application/problem+json")
          .body("detail", equalTo("no mail domain hosted here matches the request"));
    }
    given().get("/mail/config-v1.1.xml").then().statusCode(404);
    given()
        .header("Host", "autoconfig.not-hosted.example")
        .get("/mail/config-v1.1.xml")
        .then()
        .statusCode(404);
  }

  @Test
  void hostileAddressesAreRefusedWithoutEchoOrInjectedHeaders() throws Exception {
    String domain = createDomain();
    for (String hostile :
        List.of(
            "<x>@" + domain,
            "a\"b@" + domain,
            "a@" + domain + "\r\nX-Injected: yes",
            "a@" + domain + "</domain><domain>evil.example",
            "a".repeat(300) + "@" + domain)) {
      Response response = given().queryParam("emailaddress", hostile).get("/mail/config-v1.1.xml");
      assertEquals(400, response.statusCode(), hostile);
      assertNull(response.getHeader("X-Injected"));
      assertFalse(response.asString().contains("evil.example"));
      assertFalse(response.asString().contains("<x>"));
      response = given().queryParam("emailaddress", hostile).get("/autodiscover/autodiscover.xml");
      assertEquals(400, response.statusCode(), hostile);
    }
    // Characters an address may hold but XML may not carry raw: escaped, the document well-formed.
    String address = "o'neil&co@" + domain;
    String body =
        given()
            .contentType("text/xml")
            .body(outlookRequest("o'neil&amp;co@" + domain))
            .post("/autodiscover/autodiscover.xml")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertEquals(address, text(xml(body), "(//*[local-name()='LoginName'])[1]"));
    assertTrue(body.contains("o&apos;neil&amp;co@") || body.contains("o'neil&amp;co@"), body);
  }

  @Test
  void autodiscoverBodiesWithEntitiesOrDtdsAreRefused() {
    String domain = createDomain();
    String external =
        "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
            + "<Autodiscover><Request><EMailAddress>&xxe;@"
            + domain
            + "</EMailAddress></Request></Autodiscover>";
    StringBuilder laughs =
        new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY l0 \"lol\">");
    for (int i = 1; i < 10; i++) {
      laughs
          .append("<!ENTITY l")
          .append(i)
          .append(" \"")
          .append(("&l" + (i - 1) + ";").repeat(10))
          .append("\">");
    }
    laughs
        .append("]><Autodiscover><Request><EMailAddress>&l9;@")
        .append(domain)
        .append("</EMailAddress></Request></Autodiscover>");
    for (String body : List.of(external, laughs.toString(), "<Autodiscover><Request>", "not xml")) {
      given()
          .contentType("text/xml")
          .body(body)
          .post("/autodiscover/autodiscover.xml")
          .then()
          .statusCode(400)
          .contentType("application/problem+json")
          .body(
              "detail", equalTo("body: must be an autodiscover request (well-formed XML, no DTD)"));
    }
  }

  @Test
  void srvRecordsFollowTheOfferedPorts() {
    String domain = createDomain();
    List<String> srv =
        admin()
            .get("/api/v1/domains/" + domain + "/dns")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("records.findAll { it.type == 'SRV' }.collect { it.name + ' ' + it.value }");
    assertEquals(
        List.of(
            "_imap._tcp." + domain + " 10 1 " + IMAP + " localhost",
            "_pop3._tcp." + domain + " 10 1 " + POP3 + " localhost",
            "_submission._tcp." + domain + " 10 1 " + SUBMISSION + " localhost"),
        srv);
  }

  static String outlookRequest(String address) {
    return "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
        + "<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006\">"
        + "<Request><EMailAddress>"
        + address
        + "</EMailAddress><AcceptableResponseSchema>"
        + ClientDocuments.OUTLOOK_RESPONSE_SCHEMA
        + "</AcceptableResponseSchema></Request></Autodiscover>";
  }

  static Document xml(String text) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory
        .newDocumentBuilder()
        .parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  static String text(Document doc, String xpath) throws Exception {
    return (String)
        XPathFactory.newInstance().newXPath().evaluate(xpath, doc, XPathConstants.STRING);
  }

  static List<String> texts(Document doc, String xpath) throws Exception {
    NodeList nodes =
        (NodeList)
            XPathFactory.newInstance().newXPath().evaluate(xpath, doc, XPathConstants.NODESET);
    List<String> values = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      values.add(nodes.item(i).getTextContent());
    }
    return values;
  }

  /**
   * Reads the greeting, sends one command, returns what came back up to the line starting with
   * `end`.
   */
  private static String talk(int port, String command, String end) throws Exception {
    try (Socket socket = new Socket("localhost", port)) {
      socket.setSoTimeout(5000);
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      String greeting = in.readLine();
      assertTrue(
          greeting.startsWith("* OK") || greeting.startsWith("+OK") || greeting.startsWith("220"),
          greeting);
      OutputStream out = socket.getOutputStream();
      out.write(command.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      StringBuilder reply = new StringBuilder();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        reply.append(line).append('\n');
        if (line.startsWith(end) || line.equals(end)) {
          break;
        }
      }
      return reply.toString();
    }
  }
}
