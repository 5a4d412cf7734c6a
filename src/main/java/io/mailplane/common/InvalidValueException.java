package io.mailplane.common;

/**
 * A value that is not a valid domain name, address, …: the neutral form of a validation failure, so
 * these types need no HTTP. api/ApiException.invalid(this) turns it into the 400 problem.
 */
public class InvalidValueException extends RuntimeException {
  private final String field;
  private final String reason;

  public InvalidValueException(String field, String reason) {
    super(field + ": " + reason, null, false, false);
    this.field = field;
    this.reason = reason;
  }

  /** The request field that holds the value. */
  public String field() {
    return field;
  }

  /** What is wrong with it, without the field. */
  public String reason() {
    return reason;
  }
}
