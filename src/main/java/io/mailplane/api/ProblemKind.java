package io.mailplane.api;

/**
 * Every kind of error the API reports, with its status. This enum is the single exception→status
 * table: a new failure mode gets a kind here, never an ad-hoc status in a resource.
 */
public enum ProblemKind {
  VALIDATION_FAILED(400, "Validation failed"),
  MALFORMED_REQUEST(400, "Malformed request"),
  INVALID_CURSOR(400, "Invalid cursor"),
  UNAUTHORIZED(401, "Authentication required"),
  FORBIDDEN(403, "Forbidden"),
  NOT_FOUND(404, "Not found"),
  METHOD_NOT_ALLOWED(405, "Method not allowed"),
  NOT_ACCEPTABLE(406, "Not acceptable"),
  ALREADY_EXISTS(409, "Already exists"),
  RESOURCE_IN_USE(409, "Resource in use"),
  CONFLICT(409, "Conflict"),
  ALIAS_LOOP(409, "Alias loop"),
  MAILBOX_LIMIT_REACHED(409, "Mailbox limit reached"),
  ALIAS_LIMIT_REACHED(409, "Alias limit reached"),
  QUOTA_LIMIT_EXCEEDED(409, "Quota limit exceeded"),
  LIMIT_BELOW_USAGE(409, "Limit below current usage"),
  IDEMPOTENCY_KEY_IN_USE(409, "Idempotency key in use"),
  /** A signed document was asked for, and the mail host has no certificate to sign it with. */
  NO_SIGNING_CERTIFICATE(409, "No signing certificate"),
  PRECONDITION_FAILED(412, "Precondition failed"),
  PAYLOAD_TOO_LARGE(413, "Payload too large"),
  URI_TOO_LONG(414, "URI too long"),
  UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
  IDEMPOTENCY_KEY_REUSED(422, "Idempotency key reused"),
  RATE_LIMITED(429, "Too many requests"),
  INTERNAL_ERROR(500, "Internal server error"),
  SERVICE_UNAVAILABLE(503, "Service unavailable"),
  /** A transaction outlasted its timeout and was rolled back: nothing changed. */
  TRANSACTION_TIMEOUT(503, "Transaction timed out");

  private final int status;
  private final String title;

  ProblemKind(int status, String title) {
    this.status = status;
    this.title = title;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  public String type() {
    return "urn:mailplane:problem:" + name().toLowerCase().replace('_', '-');
  }
}
