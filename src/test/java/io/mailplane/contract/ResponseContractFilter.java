package io.mailplane.contract;

import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.restassured.RestAssuredRequest;
import io.restassured.filter.FilterContext;
import io.restassured.filter.OrderedFilter;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Checks each RestAssured response against the contract (see {@link ResponseContract}). */
public final class ResponseContractFilter implements OrderedFilter {
  @Override
  public Response filter(
      FilterableRequestSpecification request,
      FilterableResponseSpecification responseSpec,
      FilterContext context) {
    Response response = context.next(request, responseSpec);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    response
        .getHeaders()
        .forEach(
            h ->
                headers
                    .computeIfAbsent(h.getName(), n -> new java.util.ArrayList<>())
                    .add(h.getValue()));
    ResponseContract.check(
        decodedPath(RestAssuredRequest.of(request)),
        new ResponseContract.Observed(
            response.getStatusCode(), headers, response.getBody().asString()),
        true);
    return response;
  }

  /** The request with its path decoded (see {@link ResponseContract#decodedPath}). */
  private static Request decodedPath(Request request) {
    String path = ResponseContract.decodedPath(request.getPath());
    return (Request)
        Proxy.newProxyInstance(
            Request.class.getClassLoader(),
            new Class<?>[] {Request.class},
            (proxy, method, args) -> {
              if (method.getName().equals("getPath")) {
                return path;
              }
              try {
                return method.invoke(request, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  /** Runs last, next to the HTTP call, so it sees what went over the wire. */
  @Override
  public int getOrder() {
    return LOWEST_PRECEDENCE;
  }
}
