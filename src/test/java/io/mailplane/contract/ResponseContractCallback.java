package io.mailplane.contract;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;

/**
 * Installs {@link ResponseContractFilter} for every Quarkus test (registered in META-INF/services).
 * A Quarkus callback rather than a plain JUnit extension: it runs in the classloader of the test,
 * whose RestAssured is the one the test calls.
 */
public class ResponseContractCallback implements QuarkusTestBeforeEachCallback {
  @Override
  public void beforeEach(QuarkusTestMethodContext context) {
    if (ResponseContract.enabled()
        && RestAssured.filters().stream().noneMatch(ResponseContractFilter.class::isInstance)) {
      RestAssured.filters(new ResponseContractFilter());
    }
  }
}
