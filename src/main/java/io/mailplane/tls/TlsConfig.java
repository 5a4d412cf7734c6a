package io.mailplane.tls;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** The TLS volume (data-tls) shared read-only with the mta and mda containers. */
@ConfigMapping(prefix = "mailplane.tls")
public interface TlsConfig {
  /** Directory of the volume; the daemons read `tls.crt` and `tls.key` in it. */
  @WithDefault("/var/lib/mailplane/tls")
  String directory();

  /** Name of the mail server in the self-signed bootstrap certificate (SAN DNS). */
  @WithDefault("localhost")
  String mailHostname();

  /** Write a self-signed certificate at startup when the volume has no usable primary pair. */
  @WithDefault("true")
  boolean bootstrap();

  /**
   * Reconcile the volume with the certificate rows at startup and every 5 minutes: remove the files
   * of names that are no certificate, serve the primary certificate's installed pair.
   */
  @WithDefault("true")
  boolean reconcile();

  /**
   * Private keys 0640 instead of 0600, for daemons that run under another user than mailplane but
   * share a group with it.
   */
  @WithDefault("false")
  boolean keyGroupReadable();

  /** Group given to private keys when they are group-readable; unset keeps the process's group. */
  Optional<String> keyGroup();
}
