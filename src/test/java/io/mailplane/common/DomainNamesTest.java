package io.mailplane.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.IDN;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DomainNamesTest {

  /** The ASCII shortcut must answer exactly what the JDK's IDN would, for every name it takes. */
  @Test
  void theAsciiShortcutTakesOnlyNamesIdnPassesThroughUnchanged() {
    Random random = new Random(18);
    String alphabet = "aZ09-.xn";
    int taken = 0;
    for (int i = 0; i < 200_000; i++) {
      StringBuilder name = new StringBuilder();
      int length = random.nextInt(i % 10 == 0 ? 140 : 20);
      for (int j = 0; j < length; j++) {
        // Long runs of letters now and then, so that labels over 63 characters occur.
        name.append(
            random.nextInt(8) == 0 ? "a".repeat(30) : alphabet.charAt(random.nextInt(8)) + "");
      }
      String candidate = name.toString();
      if (DomainNames.isStd3Ascii(candidate)) {
        taken++;
        assertEquals(candidate, IDN.toASCII(candidate, IDN.USE_STD3_ASCII_RULES), candidate);
      }
    }
    assertTrue(taken > 10_000, "the sample must exercise the shortcut: " + taken);
  }

  @Test
  void namesOutsideTheShortcutStillGoThroughIdn() {
    for (String name :
        List.of("bücher.example", "-a.example", "a-.example", "a..example", "a_b.example", "")) {
      assertFalse(DomainNames.isStd3Ascii(name), name);
    }
    assertEquals("xn--bcher-kva.example", DomainNames.normalize("Bücher.Example.", "name"));
    assertEquals("mail.example.com", DomainNames.normalize(" Mail.Example.COM ", "name"));
    assertEquals("a-b.example", DomainNames.normalize("A-B.example", "name"));
    for (String bad :
        List.of("-a.example", "a..example", "a_b.example", "a".repeat(64) + ".example")) {
      InvalidValueException e =
          assertThrows(InvalidValueException.class, () -> DomainNames.normalize(bad, "name"));
      assertEquals("name: is not a valid domain name", e.getMessage(), bad);
    }
  }
}
