package io.mailplane.tls;

import io.mailplane.push.Outbox;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Makes the TLS volume follow the certificate rows, and only ever once the rows have committed: a
 * plan, a rolled-back apply or a failed request never touches a file.
 *
 * <p>The service fires {@link Deleted} and {@link BecamePrimary} inside its transaction; the
 * observers run after a successful commit. A crash (or a failed write) between the commit and the
 * file change is repaired by {@link #sweep()}: at start it removes the files of every name that has
 * no row and re-publishes the primary certificate's pair if tls.crt is not it; every few minutes it
 * removes leftover files again (mailplane.tls.reconcile). The database is the truth and the volume
 * is derived from it, so no outbox table is needed to remember the pending work.
 */
@ApplicationScoped
public class CertificateFiles {
  private static final Logger LOG = Logger.getLogger(CertificateFiles.class);

  /** A certificate row is deleted in the current transaction. */
  public record Deleted(String name) {}

  /** A certificate row became the primary one in the current transaction. */
  public record BecamePrimary(String name) {}

  @Inject TlsConfig config;
  @Inject TlsVolume volume;
  @Inject CertificateMetrics metrics;
  @Inject Outbox outbox;

  void onDeleted(@Observes(during = TransactionPhase.AFTER_SUCCESS) Deleted deleted) {
    metrics.forget(deleted.name());
    try {
      volume.remove(deleted.name());
    } catch (IOException | RuntimeException e) {
      LOG.warnf(
          "removing the files of deleted certificate %s: %s; the sweep retries",
          deleted.name(), e.toString());
    }
  }

  void onPrimary(@Observes(during = TransactionPhase.AFTER_SUCCESS) BecamePrimary primary) {
    try {
      publishPrimary(primary.name());
    } catch (IOException | RuntimeException e) {
      LOG.warnf(
          "serving certificate %s as tls.crt/tls.key: %s; retried at the next start",
          primary.name(), e.toString());
    }
  }

  void onStart(@Observes StartupEvent event) {
    if (!config.reconcile()) {
      return;
    }
    try {
      sweep();
    } catch (IOException | RuntimeException e) {
      LOG.warnf("sweeping the TLS volume at start: %s", e.toString());
    }
    try {
      Optional<String> primary =
          QuarkusTransaction.requiringNew()
              .call(
                  () ->
                      ManagedCertificate.<ManagedCertificate>find("primary", true)
                          .firstResultOptional()
                          .map(c -> c.name));
      if (primary.isPresent()) {
        publishPrimary(primary.get());
      }
    } catch (IOException | RuntimeException e) {
      LOG.warnf("serving the primary certificate at start: %s", e.toString());
    }
  }

  @Scheduled(
      identity = "tls-volume-sweep",
      executeWith = Scheduled.SIMPLE,
      every = "5m",
      delayed = "5m",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void periodicSweep() {
    if (!config.reconcile()) {
      return;
    }
    try {
      sweep();
    } catch (IOException | RuntimeException e) {
      LOG.warnf("sweeping the TLS volume: %s", e.toString());
    }
  }

  /**
   * Removes the files of every certificate name that has no row (only files mailplane wrote, see
   * {@link TlsVolume#names()}); returns the names removed. The volume is listed before the rows are
   * read: files are only ever written for a committed row, so a name listed here whose row is
   * missing afterwards was deleted, never one being created.
   */
  public Set<String> sweep() throws IOException {
    return sweep(volume);
  }

  /** The sweep against a given volume: tests sweep a private one, not the shared test volume. */
  Set<String> sweep(TlsVolume volume) throws IOException {
    Set<String> orphans = new HashSet<>(volume.names());
    if (orphans.isEmpty()) {
      return orphans;
    }
    List<String> rows =
        QuarkusTransaction.requiringNew()
            .call(
                () ->
                    ManagedCertificate.getEntityManager()
                        .createQuery("select c.name from ManagedCertificate c", String.class)
                        .getResultList());
    orphans.removeAll(rows);
    Set<String> removed = new HashSet<>();
    for (String name : orphans) {
      LOG.infof("TLS volume: removing the files of %s, which is no certificate any more", name);
      // One name that cannot be removed (permissions, a busy mount) must not keep the others.
      try {
        volume.remove(name);
        removed.add(name);
      } catch (IOException | RuntimeException e) {
        LOG.warnf("TLS volume: could not remove the files of %s: %s", name, e.toString());
      }
    }
    return removed;
  }

  /** Serves the named certificate's installed pair as tls.crt/tls.key, if it differs. */
  private void publishPrimary(String name) throws IOException {
    publishPrimary(volume, name);
  }

  /**
   * The same against a given volume; false when the pair was not published. A pair whose key does
   * not belong to its certificate (a torn or tampered version directory) is never served: the
   * daemons would fail every TLS handshake, or refuse to reload, while the old pair still works.
   */
  boolean publishPrimary(TlsVolume volume, String name) throws IOException {
    Optional<TlsPair> installed = volume.read(name);
    if (installed.isEmpty()) {
      return false;
    }
    if (!installed.get().matches()) {
      LOG.errorf(
          "TLS volume %s: the key of certificate %s does not belong to its certificate (public"
              + " keys differ); tls.crt/tls.key keep the pair they have. Order or install %s again",
          volume.directory(), name, name);
      return false;
    }
    Optional<TlsPair> current = volume.readPrimary();
    if (current.isPresent() && sameLeaf(current.get(), installed.get())) {
      return false;
    }
    volume.writePrimary(installed.get());
    // After the files are in place, so the reload it triggers reads the new pair.
    QuarkusTransaction.requiringNew().run(() -> outbox.record(Outbox.TLS, name));
    return true;
  }

  private static boolean sameLeaf(TlsPair a, TlsPair b) {
    try {
      return Arrays.equals(a.leaf().getEncoded(), b.leaf().getEncoded());
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new UncheckedIOException(new IOException(e));
    }
  }
}
