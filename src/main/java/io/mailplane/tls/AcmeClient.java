package io.mailplane.tls;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

/**
 * acme4j sessions, one per directory URL (a session caches the directory and nonces), talking HTTPS
 * with the JVM's trust store plus the configured extra CAs.
 */
@ApplicationScoped
public class AcmeClient {
  @Inject AcmeConfig config;

  static {
    // acme4j signs and builds CSRs through Bouncy Castle's provider by name.
    if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
      Security.addProvider(new BouncyCastleProvider());
    }
  }

  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private volatile SSLContext sslContext;

  public Session session(String directoryUrl) {
    return sessions.computeIfAbsent(directoryUrl, this::open);
  }

  private Session open(String directoryUrl) {
    Session session = new Session(URI.create(directoryUrl), new Provider(sslContext()));
    session.networkSettings().setTimeout(config.httpTimeout());
    return session;
  }

  /** The HTTP client acme4j uses, also for fetching a CA's root in tests and tooling. */
  SSLContext sslContext() {
    if (sslContext == null) {
      try {
        sslContext = buildSslContext(config.trustStore().map(Path::of).orElse(null));
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalStateException(
            "mailplane.acme.trust-store: cannot load " + config.trustStore().orElse(""), e);
      }
    }
    return sslContext;
  }

  static SSLContext buildSslContext(Path extraCas) throws IOException, GeneralSecurityException {
    TrustManagerFactory defaults =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    defaults.init((KeyStore) null);
    X509TrustManager system = (X509TrustManager) defaults.getTrustManagers()[0];
    X509TrustManager trust = system;
    if (extraCas != null) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      try (InputStream in = Files.newInputStream(extraCas)) {
        int i = 0;
        for (Certificate certificate :
            CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          store.setCertificateEntry("extra-" + i++, certificate);
        }
      }
      TrustManagerFactory extra =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      extra.init(store);
      trust = new EitherTrustManager(system, (X509TrustManager) extra.getTrustManagers()[0]);
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {trust}, null);
    return context;
  }

  /** Trusts what either the system store or the extra CAs trust. */
  private record EitherTrustManager(X509TrustManager first, X509TrustManager second)
      implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("client certificates are not accepted");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      try {
        second.checkServerTrusted(chain, authType);
      } catch (CertificateException e) {
        first.checkServerTrusted(chain, authType);
      }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      X509Certificate[] a = first.getAcceptedIssuers();
      X509Certificate[] b = second.getAcceptedIssuers();
      X509Certificate[] all = new X509Certificate[a.length + b.length];
      System.arraycopy(a, 0, all, 0, a.length);
      System.arraycopy(b, 0, all, a.length, b.length);
      return all;
    }
  }

  /** The generic RFC 8555 provider with our TLS trust. */
  private static final class Provider extends GenericAcmeProvider {
    private final SSLContext sslContext;

    Provider(SSLContext sslContext) {
      this.sslContext = sslContext;
    }

    @Override
    public HttpClient createHttpClient(NetworkSettings settings) {
      return HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NORMAL)
          .connectTimeout(settings.getTimeout())
          .proxy(settings.getProxySelector())
          .sslContext(sslContext)
          .build();
    }
  }
}
