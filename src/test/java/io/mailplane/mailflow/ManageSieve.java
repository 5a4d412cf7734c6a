package io.mailplane.mailflow;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A minimal ManageSieve client (RFC 5804), the commands Roundcube's managesieve plugin sends:
 * STARTTLS when offered, AUTHENTICATE "PLAIN", PUTSCRIPT, SETACTIVE, LISTSCRIPTS, LOGOUT. Each call
 * answers the server's final response line ("OK ...", "NO ...", "BYE ...") with the lines before
 * it.
 */
public final class ManageSieve implements AutoCloseable {
  private Socket socket;
  private BufferedReader in;
  private OutputStream out;
  private final List<String> capabilities;

  /** Connects to 127.0.0.1:{@code port}, reads the greeting and upgrades to TLS when offered. */
  public ManageSieve(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(30_000);
    streams();
    List<String> greeting = response();
    if (greeting.stream().anyMatch(line -> line.startsWith("\"STARTTLS\""))) {
      expectOk(command("STARTTLS"));
      SSLSocket tls =
          (SSLSocket)
              trustAll()
                  .getSocketFactory()
                  .createSocket(socket, "127.0.0.1", socket.getPort(), true);
      tls.startHandshake();
      socket = tls;
      streams();
      greeting = response();
    }
    capabilities = greeting;
  }

  public List<String> capabilities() {
    return capabilities;
  }

  public boolean tls() {
    return socket instanceof SSLSocket;
  }

  /** The final line of AUTHENTICATE "PLAIN" with the initial response. */
  public String authenticate(String user, String password) throws IOException {
    String plain =
        Base64.getEncoder()
            .encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    return last(command("AUTHENTICATE \"PLAIN\" \"" + plain + "\""));
  }

  /** PUTSCRIPT with a non-synchronizing literal, as Roundcube's client sends it. */
  public String putScript(String name, String script) throws IOException {
    byte[] body = script.getBytes(StandardCharsets.UTF_8);
    out.write(
        ("PUTSCRIPT \"" + name + "\" {" + body.length + "+}\r\n").getBytes(StandardCharsets.UTF_8));
    out.write(body);
    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return last(response());
  }

  public String setActive(String name) throws IOException {
    return last(command("SETACTIVE \"" + name + "\""));
  }

  /** The LISTSCRIPTS lines before the final OK ("\"name\" ACTIVE" for the active one). */
  public List<String> listScripts() throws IOException {
    List<String> lines = command("LISTSCRIPTS");
    expectOk(lines);
    return lines.subList(0, lines.size() - 1);
  }

  @Override
  public void close() throws IOException {
    try {
      if (!socket.isClosed()) {
        command("LOGOUT");
      }
    } catch (IOException ignored) {
      // The server may already have closed the connection after BYE.
    } finally {
      socket.close();
    }
  }

  private List<String> command(String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
    return response();
  }

  /** Lines up to and including the first one that starts with OK, NO or BYE. */
  private List<String> response() throws IOException {
    List<String> lines = new ArrayList<>();
    while (true) {
      String line = in.readLine();
      if (line == null) {
        throw new IOException("connection closed after " + lines);
      }
      lines.add(line);
      if (line.startsWith("OK") || line.startsWith("NO") || line.startsWith("BYE")) {
        return lines;
      }
    }
  }

  private static String last(List<String> lines) {
    return lines.get(lines.size() - 1);
  }

  private static void expectOk(List<String> lines) throws IOException {
    if (!last(lines).startsWith("OK")) {
      throw new IOException("ManageSieve answered " + lines);
    }
  }

  private void streams() throws IOException {
    InputStream raw = socket.getInputStream();
    in = new BufferedReader(new InputStreamReader(raw, StandardCharsets.UTF_8));
    out = socket.getOutputStream();
  }

  /** The test daemons serve a self-signed certificate; only the protocol is under test here. */
  private static SSLContext trustAll() throws IOException {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          null,
          new TrustManager[] {
            new X509TrustManager() {
              @Override
              public void checkClientTrusted(X509Certificate[] chain, String authType) {}

              @Override
              public void checkServerTrusted(X509Certificate[] chain, String authType) {}

              @Override
              public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
              }
            }
          },
          new SecureRandom());
      return context;
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException(e);
    }
  }
}
