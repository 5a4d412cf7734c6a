package io.mailplane.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The keys of one section of a document too large to hold, as 128-bit hashes (the first half of a
 * SHA-256) with the index of the entry that first had each: enough to find a repeated key and to
 * tell whether a key is in the document (prune), in 20 bytes a slot instead of a String and a map
 * entry per key. Two different keys would have to share 128 bits of SHA-256 to be confused, which
 * no one has ever been shown to manage.
 */
final class KeyHashes {
  private static final int EMPTY = 0;

  private final MessageDigest sha256;
  private long[] high = new long[1024];
  private long[] low = new long[1024];

  /** The first index plus one; {@link #EMPTY} marks a free slot. */
  private int[] first = new int[1024];

  private int size;

  KeyHashes() {
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  int size() {
    return size;
  }

  /** Records the key of entry index; returns the index of an earlier entry with it, or -1. */
  int putIfAbsent(String key, int index) {
    byte[] hash = sha256.digest(key.getBytes(StandardCharsets.UTF_8));
    long h = longAt(hash, 0);
    long l = longAt(hash, 8);
    int slot = find(h, l);
    if (first[slot] != EMPTY) {
      return first[slot] - 1;
    }
    high[slot] = h;
    low[slot] = l;
    first[slot] = index + 1;
    if (++size > first.length / 4 * 3) {
      grow();
    }
    return -1;
  }

  boolean contains(String key) {
    byte[] hash = sha256.digest(key.getBytes(StandardCharsets.UTF_8));
    return first[find(longAt(hash, 0), longAt(hash, 8))] != EMPTY;
  }

  /** Open addressing, linear probing: the slot holding the hash, or the free one it would take. */
  private int find(long h, long l) {
    int mask = first.length - 1;
    int slot = (int) (l ^ (l >>> 32)) & mask;
    while (first[slot] != EMPTY && (high[slot] != h || low[slot] != l)) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  private void grow() {
    long[] oldHigh = high;
    long[] oldLow = low;
    int[] oldFirst = first;
    high = new long[oldFirst.length * 2];
    low = new long[oldFirst.length * 2];
    first = new int[oldFirst.length * 2];
    for (int i = 0; i < oldFirst.length; i++) {
      if (oldFirst[i] != EMPTY) {
        int slot = find(oldHigh[i], oldLow[i]);
        high[slot] = oldHigh[i];
        low[slot] = oldLow[i];
        first[slot] = oldFirst[i];
      }
    }
  }

  private static long longAt(byte[] bytes, int offset) {
    long value = 0;
    for (int i = offset; i < offset + 8; i++) {
      value = (value << 8) | (bytes[i] & 0xff);
    }
    return value;
  }
}
