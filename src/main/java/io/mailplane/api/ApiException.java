package io.mailplane.api;

import io.mailplane.common.InvalidValueException;
import java.util.List;
import java.util.Map;

/** A failure the client can act on; the mapper turns it into problem+json of its kind. */
public class ApiException extends RuntimeException {
  private final ProblemKind kind;
  private final List<Problem.FieldError> errors;
  private final Map<String, String> headers;

  public ApiException(ProblemKind kind, String detail) {
    this(kind, detail, List.of(), Map.of());
  }

  public ApiException(
      ProblemKind kind,
      String detail,
      List<Problem.FieldError> errors,
      Map<String, String> headers) {
    super(detail, null, false, false);
    this.kind = kind;
    this.errors = errors;
    this.headers = headers;
  }

  public static ApiException invalid(String field, String message) {
    return new ApiException(
        ProblemKind.VALIDATION_FAILED,
        field + ": " + message,
        List.of(new Problem.FieldError(field, message)),
        Map.of());
  }

  /** The 400 problem for a value the neutral types refused. */
  public static ApiException invalid(InvalidValueException e) {
    return invalid(e.field(), e.reason());
  }

  public static ApiException notFound(String what, String key) {
    return new ApiException(ProblemKind.NOT_FOUND, what + " '" + key + "' does not exist");
  }

  public static ApiException alreadyExists(String what, String key) {
    return new ApiException(ProblemKind.ALREADY_EXISTS, what + " '" + key + "' already exists");
  }

  /**
   * A dependency (database, Redis) cannot be reached: nothing was done, and the same request may go
   * through a few seconds later.
   */
  public static ApiException unavailable(String detail) {
    return new ApiException(
        ProblemKind.SERVICE_UNAVAILABLE, detail, List.of(), Map.of("Retry-After", RETRY_AFTER));
  }

  /** Seconds a client should wait before retrying after a dependency outage. */
  static final String RETRY_AFTER = "5";

  public ProblemKind kind() {
    return kind;
  }

  public List<Problem.FieldError> errors() {
    return errors;
  }

  public Map<String, String> headers() {
    return headers;
  }
}
