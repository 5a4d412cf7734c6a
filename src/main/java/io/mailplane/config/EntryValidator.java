package io.mailplane.config;

import io.mailplane.api.ApiException;
import io.mailplane.api.Problem;
import io.mailplane.api.ProblemKind;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the Bean Validation constraints of a service request DTO, which the REST layer checks with
 * {@code @Valid} before a single-object write: the config document must meet the same rules.
 */
@ApplicationScoped
class EntryValidator {
  @Inject Validator validator;

  void check(Object request) {
    Set<ConstraintViolation<Object>> violations = validator.validate(request);
    if (violations.isEmpty()) {
      return;
    }
    List<Problem.FieldError> errors =
        violations.stream()
            .map(v -> new Problem.FieldError(v.getPropertyPath().toString(), v.getMessage()))
            .sorted(Comparator.comparing(Problem.FieldError::field))
            .toList();
    Problem.FieldError first = errors.get(0);
    throw new ApiException(
        ProblemKind.VALIDATION_FAILED, first.field() + ": " + first.message(), errors, Map.of());
  }
}
