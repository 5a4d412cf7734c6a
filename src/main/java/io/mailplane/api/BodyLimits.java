package io.mailplane.api;

import io.quarkus.arc.All;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;

/** The body limit of a request path: a feature's own (see {@link BodyLimit.Provider}), or ours. */
@ApplicationScoped
public class BodyLimits {
  @Inject ApiConfig config;
  @Inject @All List<BodyLimit.Provider> providers;

  public BodyLimit of(String path) {
    return of(path, false);
  }

  /**
   * The limit of a request path, given whether it prefers an asynchronous answer ({@link Prefer}).
   */
  public BodyLimit of(String path, boolean respondAsync) {
    for (BodyLimit.Provider provider : path == null ? List.<BodyLimit.Provider>of() : providers) {
      BodyLimit limit = provider.of(path, respondAsync);
      if (limit != null) {
        return limit;
      }
    }
    return new BodyLimit(config.maxBodyBytes(), "mailplane.api.max-body-bytes");
  }

  /** The largest of all limits: the HTTP layer's own must stay above it. */
  public long largest() {
    long largest = config.maxBodyBytes();
    for (BodyLimit.Provider provider : providers) {
      largest = Math.max(largest, provider.largest());
    }
    return largest;
  }
}
