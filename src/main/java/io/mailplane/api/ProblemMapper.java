package io.mailplane.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.mailplane.common.InvalidValueException;
import jakarta.inject.Inject;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.PessimisticLockException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.StaleStateException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The one place where failures become HTTP responses. */
public class ProblemMapper {
  private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

  @Inject ProducedTypes produced;
  @Inject BodyLimits bodyLimits;

  @ConfigProperty(name = "quarkus.transaction-manager.default-transaction-timeout")
  java.time.Duration transactionTimeout;

  public static Response response(
      ProblemKind kind,
      String detail,
      List<Problem.FieldError> errors,
      Map<String, String> headers,
      String instance) {
    Problem problem = Problem.of(kind, detail, errors, instance);
    Response.ResponseBuilder builder =
        Response.status(kind.status()).type(Problem.MEDIA_TYPE).entity(problem);
    headers.forEach(builder::header);
    return builder.build();
  }

  private static String path(UriInfo uriInfo) {
    return uriInfo == null ? null : "/" + uriInfo.getPath().replaceFirst("^/", "");
  }

  @ServerExceptionMapper
  public Response api(ApiException e, UriInfo uriInfo) {
    return response(e.kind(), e.getMessage(), e.errors(), e.headers(), path(uriInfo));
  }

  @ServerExceptionMapper
  public Response invalidValue(InvalidValueException e, UriInfo uriInfo) {
    return api(ApiException.invalid(e), uriInfo);
  }

  @ServerExceptionMapper
  public Response beanValidation(ConstraintViolationException e, UriInfo uriInfo) {
    List<Problem.FieldError> errors = new ArrayList<>();
    for (ConstraintViolation<?> violation : e.getConstraintViolations()) {
      errors.add(
          new Problem.FieldError(fieldPath(violation.getPropertyPath()), violation.getMessage()));
    }
    errors.sort(Comparator.comparing(Problem.FieldError::field));
    String detail =
        errors.stream()
            .map(error -> error.field() + ": " + error.message())
            .reduce((a, b) -> a + "; " + b)
            .orElse("invalid request");
    return response(ProblemKind.VALIDATION_FAILED, detail, errors, Map.of(), path(uriInfo));
  }

  /** Drops the method and parameter nodes so the path names the JSON field the client sent. */
  static String fieldPath(Path path) {
    StringBuilder field = new StringBuilder();
    String parameter = null;
    for (Path.Node node : path) {
      if (node.getKind() == ElementKind.METHOD) {
        continue;
      }
      if (node.getKind() == ElementKind.PARAMETER) {
        parameter = node.getName();
        continue;
      }
      if (node.getName() == null) {
        continue;
      }
      if (node.getIndex() != null && field.length() > 0) {
        field.append('[').append(node.getIndex()).append(']');
      }
      if (field.length() > 0) {
        field.append('.');
      }
      field.append(node.getName());
    }
    if (field.length() == 0 && parameter != null) {
      return parameter;
    }
    return field.toString();
  }

  @ServerExceptionMapper({
    JsonProcessingException.class,
    JsonParseException.class,
    JsonMappingException.class,
    MismatchedInputException.class,
    InvalidFormatException.class,
    UnrecognizedPropertyException.class
  })
  public Response json(JsonProcessingException e, UriInfo uriInfo) {
    if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      String field = jsonPath(mapping.getPath());
      String message =
          e instanceof UnrecognizedPropertyException ? "unknown field" : "invalid value or type";
      return response(
          ProblemKind.VALIDATION_FAILED,
          field + ": " + message,
          List.of(new Problem.FieldError(field, message)),
          Map.of(),
          path(uriInfo));
    }
    return response(
        ProblemKind.MALFORMED_REQUEST,
        "request body is not valid JSON for this operation",
        List.of(),
        Map.of(),
        path(uriInfo));
  }

  static String jsonPath(List<JsonMappingException.Reference> references) {
    StringBuilder field = new StringBuilder();
    for (JsonMappingException.Reference reference : references) {
      if (reference.getFieldName() != null) {
        if (field.length() > 0) {
          field.append('.');
        }
        field.append(reference.getFieldName());
      } else if (reference.getIndex() >= 0) {
        field.append('[').append(reference.getIndex()).append(']');
      }
    }
    return field.toString();
  }

  @ServerExceptionMapper({OptimisticLockException.class, StaleStateException.class})
  public Response concurrentUpdate(RuntimeException e, UriInfo uriInfo) {
    return response(
        ProblemKind.PRECONDITION_FAILED,
        "the resource was changed concurrently; read it again and retry with its new ETag",
        List.of(),
        Map.of(),
        path(uriInfo));
  }

  @ServerExceptionMapper
  public Response web(WebApplicationException e, UriInfo uriInfo, ContainerRequestContext request) {
    // The body reader wraps whatever fails while reading in a 400; a failure of ours raised
    // there (the streamed body size limit) keeps its own kind.
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof ApiException api) {
        return api(api, uriInfo);
      }
    }
    int status = e.getResponse().getStatus();
    if (status == 404 && e.getCause() != null) {
      // JAX-RS reports a query parameter that does not convert (limit=ten) as 404.
      return response(
          ProblemKind.VALIDATION_FAILED,
          "a query parameter has a value of the wrong type",
          List.of(),
          Map.of(),
          path(uriInfo));
    }
    ProblemKind kind =
        switch (status) {
          case 400 -> ProblemKind.MALFORMED_REQUEST;
          case 401 -> ProblemKind.UNAUTHORIZED;
          case 403 -> ProblemKind.FORBIDDEN;
          case 404 -> ProblemKind.NOT_FOUND;
          case 405 -> ProblemKind.METHOD_NOT_ALLOWED;
          case 406 -> ProblemKind.NOT_ACCEPTABLE;
          case 413 -> ProblemKind.PAYLOAD_TOO_LARGE;
          case 414 -> ProblemKind.URI_TOO_LONG;
          case 415 -> ProblemKind.UNSUPPORTED_MEDIA_TYPE;
          default -> status >= 500 ? ProblemKind.INTERNAL_ERROR : ProblemKind.MALFORMED_REQUEST;
        };
    if (status >= 500) {
      LOG.error("request failed", e);
    }
    String detail =
        switch (kind) {
          case NOT_FOUND -> "no such resource";
          case METHOD_NOT_ALLOWED -> "this method is not allowed on this resource";
          case UNSUPPORTED_MEDIA_TYPE -> "unsupported Content-Type; send application/json";
          case NOT_ACCEPTABLE -> notAcceptable(request);
          case MALFORMED_REQUEST -> "the request could not be read";
          case PAYLOAD_TOO_LARGE -> bodyLimits.of(path(uriInfo)).refusal();
          default -> kind.title();
        };
    Map<String, String> headers = new java.util.HashMap<>();
    String allow = e.getResponse().getHeaderString("Allow");
    if (allow != null) {
      headers.put("Allow", allow);
    }
    return response(kind, detail, List.of(), headers, path(uriInfo));
  }

  private String notAcceptable(ContainerRequestContext request) {
    Set<String> offered =
        produced.at(request.getMethod(), request.getUriInfo().getRequestUri().getPath());
    return offered.isEmpty()
        ? "this resource has no representation the Accept header allows"
        : "this resource is only available as " + String.join(" or ", offered);
  }

  /**
   * Narayana's "the transaction is not active" (ARJUNA016102 at commit, ARJUNA016063 when a
   * statement enlists), or Hibernate noticing the same: the transaction was rolled back by another
   * thread while this one worked.
   */
  static boolean rolledBackElsewhere(Throwable e) {
    String message = e.getMessage();
    return message != null
        && (message.contains("ARJUNA016102")
            || message.contains("ARJUNA016063")
            || message.contains("rolled back in a different thread"));
  }

  @ServerExceptionMapper
  public Response unexpected(Throwable e, UriInfo uriInfo) {
    Throwable cause = e;
    while (cause != null) {
      if (cause instanceof ApiException api) {
        return api(api, uriInfo);
      }
      if (cause instanceof OptimisticLockException || cause instanceof StaleStateException) {
        return concurrentUpdate((RuntimeException) cause, uriInfo);
      }
      if (cause instanceof PessimisticLockException
          || cause instanceof org.hibernate.exception.LockAcquisitionException) {
        // A lock wait timeout or deadlock: nothing was changed and a retry will go through.
        return response(
            ProblemKind.CONFLICT,
            "the change collided with a concurrent change and was not made; retry it",
            List.of(),
            Map.of("Retry-After", "1"),
            path(uriInfo));
      }
      if (cause instanceof org.hibernate.exception.ConstraintViolationException) {
        return response(
            ProblemKind.CONFLICT,
            "the change conflicts with a concurrent change; read the resource again and retry",
            List.of(),
            Map.of(),
            path(uriInfo));
      }
      if (cause instanceof ConstraintViolationException violation) {
        return beanValidation(violation, uriInfo);
      }
      if (cause instanceof io.vertx.core.http.HttpClosedException) {
        // The client hung up mid-request: nobody reads this answer, and it is no server fault.
        LOG.infof("the client closed the connection during %s", path(uriInfo));
        return response(
            ProblemKind.MALFORMED_REQUEST,
            "the connection closed before the request was complete",
            List.of(),
            Map.of(),
            path(uriInfo));
      }
      if (rolledBackElsewhere(cause)) {
        // Only the transaction reaper rolls a request's transaction back under it: its timeout.
        LOG.warnf("transaction timed out during %s: %s", path(uriInfo), cause.toString());
        return response(
            ProblemKind.TRANSACTION_TIMEOUT,
            "the request took longer than its transaction timeout of "
                + transactionTimeout.toSeconds()
                + " s (quarkus.transaction-manager.default-transaction-timeout) and was rolled"
                + " back; nothing was changed",
            List.of(),
            Map.of(),
            path(uriInfo));
      }
      String down = Outages.dependency(cause);
      if (down != null) {
        LOG.warnf("%s is unavailable: %s", down, cause.toString());
        return api(
            ApiException.unavailable(
                down + " is unavailable; the request may not have been carried out, retry later"),
            uriInfo);
      }
      if (cause instanceof JsonProcessingException parse) {
        return json(parse, uriInfo);
      }
      cause = cause.getCause() == cause ? null : cause.getCause();
    }
    LOG.error("unexpected failure", e);
    return response(
        ProblemKind.INTERNAL_ERROR,
        "an unexpected error occurred; it has been logged",
        List.of(),
        Map.of(),
        path(uriInfo));
  }
}
