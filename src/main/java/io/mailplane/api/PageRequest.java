package io.mailplane.api;

/** Validated list parameters: page size and the key after which the page starts. */
public record PageRequest(int limit, String afterKey) {
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 1000;

  public static PageRequest of(Integer limit, String after) {
    int size = limit == null ? DEFAULT_LIMIT : limit;
    if (size < 1 || size > MAX_LIMIT) {
      throw ApiException.invalid("limit", "must be between 1 and " + MAX_LIMIT);
    }
    return new PageRequest(size, Cursor.decode(after));
  }

  /** The key after which the page starts, for lists keyed by a numeric id; null on page one. */
  public Long afterId() {
    if (afterKey == null) {
      return null;
    }
    if (!afterKey.matches("[0-9]{1,18}")) {
      throw Cursor.invalid();
    }
    return Long.parseLong(afterKey);
  }
}
