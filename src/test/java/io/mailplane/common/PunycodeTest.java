package io.mailplane.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** RFC 3492 samples, and the A-label check that must accept IDNA2008 labels. */
class PunycodeTest {
  @Test
  void encodesAndDecodesTheRfcSamples() {
    String[][] samples = {
      {"bücher", "bcher-kva"},
      {"münchen", "mnchen-3ya"},
      {"straße", "strae-oqa"},
      {"3年B組金八先生", "3B-ww4c5e180e575a65lsy2b"},
      {"ليهمابتكلموشعربي؟", "egbpdaj6bu4bxfgehfvwxn"},
    };
    for (String[] sample : samples) {
      int[] codePoints = sample[0].codePoints().toArray();
      assertEquals(sample[1], Punycode.encode(codePoints), sample[0]);
      assertEquals(
          sample[0], new String(Punycode.decode(sample[1]).orElseThrow(), 0, codePoints.length));
    }
  }

  @Test
  void refusesGarbage() {
    assertTrue(Punycode.decode("zz-9999999").isEmpty());
    assertTrue(Punycode.decode("a-é").isEmpty());
    assertTrue(Punycode.decode("abc-!").isEmpty());
  }

  @Test
  void domainNamesTakeIdna2008LabelsAndRefuseInvalidOnes() {
    assertEquals("xn--strae-oqa.de", DomainNames.normalize("xn--strae-oqa.de", "name"));
    assertEquals("xn--bcher-kva.example", DomainNames.normalize("XN--BCHER-KVA.example", "name"));
    assertEquals("xn--bcher-kva.example", DomainNames.normalize("bücher.example", "name"));
    for (String bad :
        new String[] {"xn--zz-9999999.example", "xn--abc-.example", "xn--a.example"}) {
      assertThrows(InvalidValueException.class, () -> DomainNames.normalize(bad, "name"), bad);
    }
  }
}
