package io.mailplane.tls;

import static io.mailplane.TestApi.admin;
import static io.mailplane.TestApi.as;
import static io.mailplane.TestApi.createDomain;
import static io.mailplane.TestApi.createMailbox;
import static io.mailplane.TestApi.token;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.NeedsDaemons;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;

/**
 * The Apple profile is signed with the mail host's certificate: refused (409) while the TLS volume
 * holds only the self-signed bootstrap pair; after Pebble issued the primary certificate over
 * HTTP-01, `openssl cms -verify` accepts the profile against Pebble's root and refuses it against
 * another root. A volume of its own (a temporary directory), so the shared one the daemons serve is
 * not touched.
 */
@NeedsDaemons
@QuarkusTest
@TestProfile(AppleProfileSigningTest.OwnVolumeProfile.class)
class AppleProfileSigningTest {
  public static class OwnVolumeProfile extends AcmeTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
      try {
        String volume = Files.createTempDirectory("mailplane-apple-profile").toString();
        System.setProperty("mailplane.test.apple-profile-volume", volume);
        overrides.put("mailplane.tls.directory", volume);
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
      overrides.remove("mailplane.push.targets.postfix.type");
      overrides.remove("mailplane.push.targets.postfix.command");
      overrides.remove("mailplane.push.targets.postfix.kinds");
      return overrides;
    }
  }

  @Test
  void signedWithTheIssuedCertificateAndVerifiedByOpenssl() throws Exception {
    String domain = createDomain();
    String other = createDomain();
    String address = "john@" + domain;
    createMailbox(address, "correct horse battery staple");
    String path = "/api/v1/mailboxes/" + address + "/apple-profile";

    admin()
        .get(path)
        .then()
        .statusCode(409)
        .contentType("application/problem+json")
        .body("type", equalTo("urn:mailplane:problem:no-signing-certificate"))
        .body("detail", containsString("issue one"));
    as(token("domain:" + other)).get(path).then().statusCode(404);

    // The bootstrap pair (as TlsBootstrap writes it when nothing else is there) is not signed by
    // anyone a device trusts.
    new TlsVolume(
            Path.of(System.getProperty("mailplane.test.apple-profile-volume")),
            false,
            java.util.Optional.empty())
        .writePrimary(TlsBootstrap.selfSigned("localhost", java.time.Duration.ofDays(1)));
    admin()
        .get(path)
        .then()
        .statusCode(409)
        .body("type", equalTo("urn:mailplane:problem:no-signing-certificate"))
        .body("detail", containsString("self-signed"));

    String name = Acme.uniqueName();
    admin()
        .body(Acme.http01(List.of("mx-" + name + ".acme.test"), true))
        .put("/api/v1/certificates/" + name)
        .then()
        .statusCode(201);
    Acme.awaitStatus(name, "valid");

    byte[] profile =
        as(token("domain:" + domain))
            .get(path)
            .then()
            .statusCode(200)
            .contentType("application/x-apple-aspen-config")
            .header(
                "Content-Disposition",
                equalTo("attachment; filename=\"john_at_" + domain + ".mobileconfig\""))
            .extract()
            .asByteArray();
    Path dir = Files.createTempDirectory("apple-profile");
    Path signed = dir.resolve("profile.mobileconfig");
    Files.write(signed, profile);
    Path pebbleRoot =
        pem(dir.resolve("pebble.pem"), Acme.pebbleRoot(AcmeTestProfile.PEBBLE_HTTP_ROOT));
    Path otherRoot =
        pem(dir.resolve("other.pem"), Acme.pebbleRoot(AcmeTestProfile.PEBBLE_DNS_ROOT));
    Path content = dir.resolve("profile.plist");

    // A TLS server certificate signs the profile (as the seed does): its purpose is not S/MIME.
    Result ok =
        openssl(
            "cms",
            "-verify",
            "-inform",
            "DER",
            "-in",
            signed.toString(),
            "-CAfile",
            pebbleRoot.toString(),
            "-purpose",
            "any",
            "-out",
            content.toString());
    assertEquals(0, ok.exit(), ok.output());
    assertTrue(ok.output().contains("Verification successful"), ok.output());
    String plist = Files.readString(content, StandardCharsets.UTF_8);
    assertTrue(plist.contains("<string>" + address + "</string>"), plist);
    assertTrue(plist.contains("<string>com.apple.mail.managed</string>"), plist);
    assertTrue(
        plist.contains("<key>IncomingMailServerHostName</key><string>mail." + domain + "</string>"),
        plist);

    Result wrongRoot =
        openssl(
            "cms",
            "-verify",
            "-inform",
            "DER",
            "-in",
            signed.toString(),
            "-CAfile",
            otherRoot.toString(),
            "-purpose",
            "any",
            "-out",
            "/dev/null");
    assertNotEquals(0, wrongRoot.exit(), wrongRoot.output());
  }

  record Result(int exit, String output) {}

  private static Result openssl(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    return new Result(process.exitValue(), output);
  }

  private static Path pem(Path file, X509Certificate certificate) throws Exception {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(certificate);
    }
    Files.writeString(file, out.toString());
    return file;
  }
}
