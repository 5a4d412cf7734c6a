package io.mailplane.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;
import java.util.Set;

/**
 * Applies a merge patch to an object's current representation and validates the result exactly as a
 * PUT body would be validated, so PATCH is "replace with the merged document".
 */
@ApplicationScoped
public class Patches {
  @Inject ObjectMapper json;
  @Inject Validator validator;

  public <T> T merge(T current, JsonNode patch, Class<T> type) {
    if (patch == null || !patch.isObject()) {
      throw new ApiException(ProblemKind.MALFORMED_REQUEST, "a merge patch must be a JSON object");
    }
    try {
      // A null member only removes, so merging never notices a misspelt one ({"displayname":
      // null} would be a silent no-op): read the patch itself as the type, which rejects unknown
      // fields (nested ones too) and wrong types.
      json.treeToValue(patch, type);
    } catch (JsonProcessingException e) {
      throw new ApiMappingException(e);
    }
    JsonNode merged = MergePatch.apply(json.valueToTree(current), patch);
    T result;
    try {
      result = json.treeToValue(merged, type);
    } catch (JsonProcessingException e) {
      throw new ApiMappingException(e);
    }
    validate(result);
    return result;
  }

  public <T> void validate(T value) {
    Set<ConstraintViolation<T>> violations = validator.validate(value);
    if (!violations.isEmpty()) {
      throw new ConstraintViolationException(violations);
    }
  }

  /** Carries a Jackson failure out of a service so the mapper reports the field path. */
  public static class ApiMappingException extends RuntimeException {
    public ApiMappingException(JsonProcessingException cause) {
      super(cause.getOriginalMessage(), cause, false, false);
    }
  }
}
