package io.mailplane.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.common.TxtStrings;
import java.util.List;
import org.junit.jupiter.api.Test;

class DkimDnsRecordTest {
  @Test
  void splitsIntoStringsOfAtMost255() {
    String value = "v=DKIM1; k=rsa; p=" + "A".repeat(600);
    List<String> strings = TxtStrings.split(value);
    assertEquals(3, strings.size());
    assertTrue(strings.stream().allMatch(s -> s.length() <= 255));
    assertEquals(255, strings.get(0).length());
    assertEquals(value, String.join("", strings));
    assertEquals(List.of("short"), TxtStrings.split("short"));
    assertEquals(1, TxtStrings.split("x".repeat(255)).size());
    assertEquals(2, TxtStrings.split("x".repeat(256)).size());
  }

  @Test
  void ed25519RspamdValueIsBase64OfSeedAndPublicKey() {
    DkimKeyMaterial key = DkimKeyMaterial.generate(DkimKeyMaterial.ED25519, 256);
    byte[] raw =
        java.util.Base64.getDecoder().decode(DkimKeyMaterial.rspamdValue("ed25519", key.pkcs8()));
    assertEquals(64, raw.length);
    byte[] pub = java.util.Base64.getDecoder().decode(key.publicKey());
    assertEquals(32, pub.length);
    assertEquals(
        java.util.Base64.getEncoder().encodeToString(pub),
        java.util.Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(raw, 32, 64)));
  }
}
