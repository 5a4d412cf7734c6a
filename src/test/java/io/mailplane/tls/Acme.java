package io.mailplane.tls;

import static io.mailplane.TestApi.admin;
import static org.junit.jupiter.api.Assertions.fail;

import io.restassured.path.json.JsonPath;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** Helpers of the ACME tests: certificate requests, polling, the daemons' served certificates. */
final class Acme {
  private Acme() {}

  static String uniqueName() {
    return "t" + UUID.randomUUID().toString().substring(0, 8);
  }

  static Map<String, Object> http01(List<String> domains, boolean primary) {
    return Map.of(
        "domains",
        domains,
        "primary",
        primary,
        "challenge",
        "http-01",
        "keyType",
        "ec-p256",
        "issuer",
        Map.of(
            "directoryUrl",
            AcmeTestProfile.PEBBLE_HTTP,
            "contactEmail",
            "hostmaster@acme.test",
            "termsAgreed",
            true));
  }

  static Map<String, Object> dns01(List<String> domains, String directory) {
    return Map.of(
        "domains",
        domains,
        "challenge",
        "dns-01",
        "keyType",
        "rsa2048",
        "issuer",
        Map.of("directoryUrl", directory, "termsAgreed", true));
  }

  /** Polls the certificate until the predicate holds; fails with the last state after timeout. */
  static JsonPath awaitCertificate(String name, Predicate<JsonPath> done, Duration timeout)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    JsonPath last = null;
    while (Instant.now().isBefore(deadline)) {
      last =
          admin().get("/api/v1/certificates/" + name).then().statusCode(200).extract().jsonPath();
      if (done.test(last)) {
        return last;
      }
      Thread.sleep(250);
    }
    String orders = admin().get("/api/v1/certificates/" + name + "/orders").asString();
    fail(
        "certificate "
            + name
            + " not done in "
            + timeout
            + ": "
            + last.prettify()
            + "\norders: "
            + orders);
    return last;
  }

  static JsonPath awaitStatus(String name, String status) throws InterruptedException {
    return awaitCertificate(
        name, c -> status.equals(c.getString("status")), Duration.ofSeconds(60));
  }

  /** The root Pebble issues under (it makes a new one on every start). */
  static X509Certificate pebbleRoot(String url) throws Exception {
    SSLContext ssl = AcmeClient.buildSslContext(Path.of(AcmeTestProfile.ACME_DIR, "ca.pem"));
    HttpClient client = HttpClient.newBuilder().sslContext(ssl).build();
    byte[] pem =
        client
            .send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray())
            .body();
    return (X509Certificate)
        CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem));
  }

  /** PKIX validation of the chain (leaf first) up to the given root. */
  static void verifyChain(List<X509Certificate> chain, X509Certificate root) throws Exception {
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
    parameters.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX").validate(factory.generateCertPath(chain), parameters);
  }

  /** The serial (hex) of the certificate a daemon presents after STARTTLS. */
  static String servedSerial(String host, int port, String protocol) throws Exception {
    try (Socket plain = new Socket(host, port)) {
      plain.setSoTimeout(5000);
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(plain.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = plain.getOutputStream();
      if (protocol.equals("smtp")) {
        readSmtp(in);
        out.write("EHLO test.example\r\n".getBytes(StandardCharsets.US_ASCII));
        readSmtp(in);
        out.write("STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
        readSmtp(in);
      } else {
        in.readLine();
        out.write("a STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
        for (String line = in.readLine();
            line != null && !line.startsWith("a ");
            line = in.readLine()) {
          // untagged lines
        }
      }
      SSLContext trustAll = SSLContext.getInstance("TLS");
      trustAll.init(null, new TrustManager[] {new TrustAll()}, null);
      try (SSLSocket tls =
          (SSLSocket) trustAll.getSocketFactory().createSocket(plain, host, port, false)) {
        tls.startHandshake();
        X509Certificate leaf = (X509Certificate) tls.getSession().getPeerCertificates()[0];
        return leaf.getSerialNumber().toString(16);
      }
    }
  }

  private static void readSmtp(BufferedReader in) throws Exception {
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.length() < 4 || line.charAt(3) == ' ') {
        return;
      }
    }
  }

  static String awaitServedSerial(String host, int port, String protocol, String serial)
      throws Exception {
    Instant deadline = Instant.now().plusSeconds(30);
    String served = null;
    while (Instant.now().isBefore(deadline)) {
      served = servedSerial(host, port, protocol);
      if (new BigInteger(served, 16).equals(new BigInteger(serial, 16))) {
        return served;
      }
      Thread.sleep(500);
    }
    fail(
        protocol + " on " + host + ":" + port + " still serves " + served + ", expected " + serial);
    return served;
  }

  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
