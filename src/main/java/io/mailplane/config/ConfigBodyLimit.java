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

  /** A job (:apply with Prefer: respond-async) takes documents up to its own limit. */
  @Override
  public BodyLimit of(String path, boolean respondAsync) {
    var matcher = DOCUMENT_PATHS.matcher(path);
    if (!matcher.matches()) {
      return null;
    }
    return limit(respondAsync && matcher.group(2).equals("apply"));
  }

  @Override
  public long largest() {
    return Math.max(config.maxBodyBytes(), config.jobMaxBodyBytes());
  }

  BodyLimit limit() {
    return limit(false);
  }

  /**
   * Only :apply runs as a job (a plan of a document applied in chunks could not see what earlier
   * chunks create); a :plan that asks for it is answered synchronously, with the synchronous limit:
   * RFC 7240 lets a server ignore a preference.
   */
  BodyLimit limit(boolean respondAsync) {
    if (respondAsync) {
      return new BodyLimit(config.jobMaxBodyBytes(), "mailplane.config.job-max-body-bytes");
    }
    return new BodyLimit(
        config.maxBodyBytes(),
        "mailplane.config.max-body-bytes",
        "send it to config:apply with the header 'Prefer: respond-async', which runs it as a job"
            + " and takes up to "
            + config.jobMaxBodyBytes()
            + " bytes (mailplane.config.job-max-body-bytes)");
  }
}
