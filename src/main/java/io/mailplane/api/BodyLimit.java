package io.mailplane.api;

/**
 * The largest request body an endpoint takes, and the setting that raises it: a refusal names both,
 * so that the client (or its operator) knows what to split or what to change.
 */
public record BodyLimit(long bytes, String setting, String otherwise) {
  public BodyLimit(long bytes, String setting) {
    this(bytes, setting, null);
  }

  /**
   * A refused body up to this size is read to its end and dropped before the answer: a client still
   * sending when the server closes gets a connection reset instead of the 413 (Java's HttpClient
   * does, every time). Larger ones are cut off; their clients may see the reset.
   */
  public static final long DRAINED = 64L << 20;

  /** The detail of the 413 that refuses a larger body. */
  public String refusal() {
    return "the request body exceeds the limit of "
        + bytes
        + " bytes ("
        + setting
        + "); send less, or raise "
        + setting
        + (otherwise == null ? "" : ", or " + otherwise);
  }

  /**
   * Endpoints whose documents are larger than ordinary requests (a whole configuration) offer their
   * own limit for the paths they serve; all others have mailplane.api.max-body-bytes. A CDI bean of
   * the feature implements it, so this package knows no feature.
   */
  public interface Provider {
    /** The limit of a request path (as sent, without the query), or null when not one's own. */
    BodyLimit of(String path);

    /**
     * The limit of a request path when the client asked to be answered asynchronously ({@link
     * Prefer}): an endpoint that runs such requests as jobs may take larger bodies then.
     */
    default BodyLimit of(String path, boolean respondAsync) {
      return of(path);
    }

    /** The largest limit it hands out (the HTTP layer's own limit must not be below it). */
    long largest();
  }
}
