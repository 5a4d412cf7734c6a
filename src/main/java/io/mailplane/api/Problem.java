package io.mailplane.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** RFC 9457 problem details, the body of every 4xx/5xx response. */
@Schema(name = "Problem", description = "RFC 9457 problem details")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
    @Schema(
            description = "Stable URI identifying the kind of error",
            example = "urn:mailplane:problem:validation-failed")
        String type,
    @Schema(
            description = "Short, human-readable summary of the kind",
            example = "Validation failed")
        String title,
    @Schema(description = "HTTP status code", example = "400") int status,
    @Schema(
            description = "What went wrong in this occurrence",
            example = "quotaMb: must be >= 0",
            extensions = @Extension(name = OpenApiSchemas.OMITTED_IF_NULL, value = "true"))
        String detail,
    @Schema(
            description = "The request path",
            example = "/api/v1/mailboxes/john@example.com",
            extensions = @Extension(name = OpenApiSchemas.OMITTED_IF_NULL, value = "true"))
        String instance,
    @Schema(
            description = "Field-level validation errors",
            extensions = @Extension(name = OpenApiSchemas.OMITTED_IF_NULL, value = "true"))
        List<FieldError> errors) {

  public static final String MEDIA_TYPE = "application/problem+json";

  /** The problem of a kind; no field errors are written as none. */
  public static Problem of(
      ProblemKind kind, String detail, List<FieldError> errors, String instance) {
    return new Problem(
        kind.type(),
        kind.title(),
        kind.status(),
        detail,
        instance,
        errors == null || errors.isEmpty() ? null : errors);
  }

  /** The same problem, about another request path (or none). */
  public Problem at(String path) {
    return new Problem(type, title, status, detail, path, errors);
  }

  @Schema(name = "FieldError")
  public record FieldError(
      @Schema(description = "JSON path of the offending field", example = "limits.maxQuotaMb")
          String field,
      @Schema(description = "What is wrong with it", example = "must be greater than or equal to 0")
          String message) {}
}
