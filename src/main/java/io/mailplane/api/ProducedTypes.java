package io.mailplane.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The media types the resource methods at a path produce, read from their {@code @Produces}: a 406
 * names what the client could have asked for (JAX-RS matching does not say).
 */
@ApplicationScoped
public class ProducedTypes {
  private record Route(String method, Pattern path, List<String> types) {}

  @Inject BeanManager beans;

  private volatile List<Route> routes;

  /** The media types offered for this method and path, in declaration order (empty if none). */
  public Set<String> at(String method, String path) {
    Set<String> types = new LinkedHashSet<>();
    for (Route route : routes()) {
      if (route.method().equals(method) && route.path().matcher(path).matches()) {
        types.addAll(route.types());
      }
    }
    return types;
  }

  private List<Route> routes() {
    List<Route> found = routes;
    if (found == null) {
      found = new ArrayList<>();
      for (Bean<?> bean : beans.getBeans(Object.class, Any.Literal.INSTANCE)) {
        Class<?> type = bean.getBeanClass();
        Path root = type.getAnnotation(Path.class);
        if (root != null) {
          for (Method method : type.getDeclaredMethods()) {
            route(type, root, method).ifPresent(found::add);
          }
        }
      }
      routes = found;
    }
    return found;
  }

  private static java.util.Optional<Route> route(Class<?> type, Path root, Method method) {
    String verb = null;
    for (var annotation : method.getAnnotations()) {
      HttpMethod http = annotation.annotationType().getAnnotation(HttpMethod.class);
      if (http != null) {
        verb = http.value();
      }
    }
    if (verb == null) {
      return java.util.Optional.empty();
    }
    Path sub = method.getAnnotation(Path.class);
    String template = "/" + root.value() + (sub == null ? "" : "/" + sub.value());
    String regex =
        java.util.Arrays.stream(template.split("/+"))
            .filter(part -> !part.isEmpty())
            .map(part -> part.matches("\\{[^}]*\\}") ? "[^/]+" : Pattern.quote(part))
            .reduce("", (path, part) -> path + "/" + part);
    Produces produces =
        method.isAnnotationPresent(Produces.class)
            ? method.getAnnotation(Produces.class)
            : type.getAnnotation(Produces.class);
    List<String> types = produces == null ? List.of() : List.of(produces.value());
    return java.util.Optional.of(new Route(verb, Pattern.compile(regex + "/?"), types));
  }
}
