package io.mailplane.mailflow;

import static io.mailplane.TestApi.createDomain;
import static io.mailplane.TestApi.createMailbox;
import static io.mailplane.mailflow.MailClient.rawMessage;
import static io.mailplane.mailflow.MailClient.subject;
import static io.mailplane.mailflow.MailClient.submit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.apache.james.jdkim.api.SignatureRecord;
import org.junit.jupiter.api.Test;

/**
 * The real signing path: a key in the Redis hashes Rspamd reads, its public half in the test DNS, a
 * mail submitted through Postfix (Rspamd milter) and read back over IMAP carries a DKIM-Signature
 * that an independent verifier (Apache jDKIM) accepts; without the key the next mail is unsigned.
 * Needs deploy/local/filter-services.sh and mail-services.sh.
 */
@QuarkusTest
class RspamdSigningTest {
  static final String PASSWORD = "Correct-Horse-Battery-9";

  @Test
  void submittedMailIsSignedWithTheKeyFromRedisAndVerifiesAgainstDns() throws Exception {
    String d = createDomain();
    createMailbox("sender@" + d, PASSWORD);
    createMailbox("reader@" + d, PASSWORD);
    String selector = "s" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair key = generator.generateKeyPair();
    String dnsName = selector + "._domainkey." + d;
    try {
      FilterWorld.hset(FilterWorld.SELECTORS, d, selector);
      FilterWorld.hset(FilterWorld.KEYS, selector + "." + d, pem(key));
      FilterWorld.publishTxt(
          dnsName,
          "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(key.getPublic().getEncoded()));

      String signed = subject();
      submit("sender@" + d, PASSWORD, "sender@" + d, "reader@" + d, signed);
      byte[] raw = rawMessage("reader@" + d, PASSWORD, signed);
      assertTrue(headers(raw).contains("\nDKIM-Signature:"), headers(raw));
      List<SignatureRecord> verified = FilterWorld.verifyDkim(raw);
      assertEquals(1, verified.size(), headers(raw));
      assertEquals(d, verified.get(0).getDToken().toString());
      assertEquals(selector, verified.get(0).getSelector().toString());

      FilterWorld.hdel(FilterWorld.KEYS, selector + "." + d);
      String unsigned = subject();
      submit("sender@" + d, PASSWORD, "sender@" + d, "reader@" + d, unsigned);
      byte[] after = rawMessage("reader@" + d, PASSWORD, unsigned);
      assertFalse(headers(after).contains("\nDKIM-Signature:"), headers(after));
    } finally {
      FilterWorld.hdel(FilterWorld.KEYS, selector + "." + d);
      FilterWorld.hdel(FilterWorld.SELECTORS, d);
      FilterWorld.removeTxt(dnsName);
    }
  }

  /** The header block, starting with a newline so every field is matched as "\nName:". */
  private static String headers(byte[] raw) {
    String text = new String(raw, StandardCharsets.UTF_8).replace("\r\n", "\n");
    int end = text.indexOf("\n\n");
    return "\n" + (end < 0 ? text : text.substring(0, end));
  }

  /** PKCS#8 PEM, as mailplane stores it (rspamd reads it with OpenSSL's PEM reader). */
  private static String pem(KeyPair key) {
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(key.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }
}
