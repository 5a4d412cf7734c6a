package io.mailplane.config;

import io.mailplane.api.BodyLimit;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.regex.Pattern;

/** :plan and :apply take a whole configuration, so their bodies have a limit of their own. */
@ApplicationScoped
class ConfigBodyLimit implements BodyLimit.Provider {
  /** As sent: the colon literal or percent-encoded (see {@link ActionPathFilter}). */
  private static final Pattern DOCUMENT_PATHS =
      Pattern.compile("/api/v1/config(:|%3[aA])(plan|apply)");

  @Inject ConfigApiConfig config;

  @Override
  public BodyLimit of(String path) {
    return DOCUMENT_PATHS.matcher(path).matches() ? limit() : null;
  }

  @Override
  public long largest() {
    return config.maxBodyBytes();
  }

  BodyLimit limit() {
    return new BodyLimit(config.maxBodyBytes(), "mailplane.config.max-body-bytes");
  }
}
