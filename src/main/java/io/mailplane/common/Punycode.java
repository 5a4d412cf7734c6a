package io.mailplane.common;

import java.util.Arrays;
import java.util.Optional;

/**
 * RFC 3492 Punycode, the plain algorithm without IDNA2003's nameprep. Written here because the JDK
 * exposes Punycode only through java.net.IDN, whose toUnicode/toASCII round trip applies nameprep
 * and so refuses valid IDNA2008 labels (xn--strae-oqa, "straße", comes back as "strasse"); ICU4J
 * would bring 14 MB for two small functions (docs/decisions.md, IDN).
 */
final class Punycode {
  private static final int BASE = 36;
  private static final int TMIN = 1;
  private static final int TMAX = 26;
  private static final int SKEW = 38;
  private static final int DAMP = 700;
  private static final int INITIAL_BIAS = 72;
  private static final int INITIAL_N = 128;
  private static final int MAX = Integer.MAX_VALUE;

  private Punycode() {}

  /** The code points the encoded part of an A-label (after "xn--") stands for; empty if invalid. */
  static Optional<int[]> decode(String input) {
    int basicEnd = Math.max(0, input.lastIndexOf('-'));
    int[] output = new int[input.length()];
    int length = 0;
    for (int j = 0; j < basicEnd; j++) {
      char c = input.charAt(j);
      if (c >= 0x80) {
        return Optional.empty();
      }
      output[length++] = c;
    }
    int n = INITIAL_N;
    int i = 0;
    int bias = INITIAL_BIAS;
    int in = basicEnd > 0 ? basicEnd + 1 : 0;
    while (in < input.length()) {
      int oldI = i;
      int w = 1;
      for (int k = BASE; ; k += BASE) {
        if (in >= input.length()) {
          return Optional.empty();
        }
        int digit = digitValue(input.charAt(in++));
        if (digit < 0 || digit > (MAX - i) / w) {
          return Optional.empty();
        }
        i += digit * w;
        int t = threshold(k, bias);
        if (digit < t) {
          break;
        }
        if (w > MAX / (BASE - t)) {
          return Optional.empty();
        }
        w *= BASE - t;
      }
      bias = adapt(i - oldI, length + 1, oldI == 0);
      if (i / (length + 1) > MAX - n) {
        return Optional.empty();
      }
      n += i / (length + 1);
      i %= length + 1;
      if (n > Character.MAX_CODE_POINT || (n >= 0xD800 && n <= 0xDFFF)) {
        return Optional.empty();
      }
      if (length == output.length) {
        return Optional.empty();
      }
      System.arraycopy(output, i, output, i + 1, length - i);
      output[i++] = n;
      length++;
    }
    return Optional.of(Arrays.copyOf(output, length));
  }

  /** The encoded part of the A-label for these code points (without "xn--"). */
  static String encode(int[] input) {
    StringBuilder output = new StringBuilder();
    for (int c : input) {
      if (c < 0x80) {
        output.append((char) c);
      }
    }
    int basic = output.length();
    int handled = basic;
    if (basic > 0) {
      output.append('-');
    }
    int n = INITIAL_N;
    long delta = 0;
    int bias = INITIAL_BIAS;
    while (handled < input.length) {
      int m = Integer.MAX_VALUE;
      for (int c : input) {
        if (c >= n && c < m) {
          m = c;
        }
      }
      delta += (long) (m - n) * (handled + 1);
      n = m;
      for (int c : input) {
        if (c < n) {
          delta++;
        }
        if (c == n) {
          long q = delta;
          for (int k = BASE; ; k += BASE) {
            int t = threshold(k, bias);
            if (q < t) {
              break;
            }
            output.append(digit((int) (t + (q - t) % (BASE - t))));
            q = (q - t) / (BASE - t);
          }
          output.append(digit((int) q));
          bias = adapt((int) delta, handled + 1, handled == basic);
          delta = 0;
          handled++;
        }
      }
      delta++;
      n++;
    }
    return output.toString();
  }

  private static int threshold(int k, int bias) {
    return k <= bias ? TMIN : Math.min(TMAX, k - bias);
  }

  private static int adapt(int delta, int points, boolean first) {
    delta = first ? delta / DAMP : delta / 2;
    delta += delta / points;
    int k = 0;
    while (delta > ((BASE - TMIN) * TMAX) / 2) {
      delta /= BASE - TMIN;
      k += BASE;
    }
    return k + (BASE - TMIN + 1) * delta / (delta + SKEW);
  }

  private static int digitValue(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0' + 26;
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a';
    }
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    return -1;
  }

  private static char digit(int d) {
    return (char) (d < 26 ? 'a' + d : '0' + d - 26);
  }
}
