package io.mailplane.push;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.junit.jupiter.api.Test;

/**
 * Every target type that can be configured is in the contract's enumeration: a generated client
 * rejects a value its enum does not know, so listing a fetchmailmgr target would break it.
 */
class PushTargetTypesTest {
  @Test
  void theContractEnumeratesEveryConfigurableType() throws Exception {
    Schema type = PushTargetDto.class.getDeclaredField("type").getAnnotation(Schema.class);
    assertEquals(PushTargets.TYPES, List.of(type.enumeration()));
  }
}
