package io.mailplane.api;

import io.quarkus.runtime.annotations.StaticInitSafe;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.SmallRyeConfigBuilderCustomizer;

/**
 * Hands the request-URI syntax check from Quarkus to {@link HttpLimits}, which answers with a
 * problem document. Quarkus' root request handler (VertxHttpRecorder, before any route or failure
 * handler) parses every URI with java.net.URI and answers a malformed one ({@code ?after=%%%x})
 * with a bare, empty 400; its only switch is the system property {@value #PROPERTY}, read once when
 * that class initializes. Configuration is the first thing every launch (jar, container, systemd,
 * dev mode, tests) builds, before any recorder runs, so a static-init config customizer (registered
 * in META-INF/services) sets it early enough without a JVM flag anyone must remember. Tested with
 * raw requests in HttpLayerProblemsTest.
 */
@StaticInitSafe
public class QuarkusUriCheckOff implements SmallRyeConfigBuilderCustomizer {
  static final String PROPERTY = "vertx.disableURIValidation";

  @Override
  public void configBuilder(SmallRyeConfigBuilder builder) {
    System.setProperty(PROPERTY, "true");
  }
}
