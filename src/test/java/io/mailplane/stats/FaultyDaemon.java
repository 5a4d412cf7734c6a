package io.mailplane.stats;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A mock HTTP daemon (no real Rspamd or Dovecot can be made to misbehave on demand) that answers
 * every request the way {@link #mode} says: stalls, garbage, floods, refuses credentials.
 */
final class FaultyDaemon implements AutoCloseable {
  enum Mode {
    /** Accepts and reads the request, never answers. */
    STALL,
    /** Answers the headers at once and the body one byte a second. */
    TRICKLE,
    /** 200 with a body that is not JSON. */
    NOT_JSON,
    /** 200 with JSON of the wrong shape. */
    WRONG_JSON,
    /** Bytes that are not HTTP, then closes. */
    NOT_HTTP,
    /** 200 with an endless body. */
    FLOOD,
    /** 401, as for a wrong password or API key. */
    UNAUTHORIZED
  }

  volatile Mode mode = Mode.NOT_HTTP;

  /** The request heads received, to check what credentials were sent. */
  final List<String> requests = new CopyOnWriteArrayList<>();

  private final ServerSocket server;
  private final List<Socket> open = new CopyOnWriteArrayList<>();

  FaultyDaemon() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, "faulty-daemon-" + server.getLocalPort());
    accept.setDaemon(true);
    accept.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        open.add(socket);
        Thread serve = new Thread(() -> serve(socket), "faulty-daemon-connection");
        serve.setDaemon(true);
        serve.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      String head = readHead(socket.getInputStream());
      requests.add(head);
      OutputStream out = socket.getOutputStream();
      switch (mode) {
        case STALL -> Thread.sleep(Long.MAX_VALUE);
        case TRICKLE -> {
          out.write(
              "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
          for (int i = 0; i < 1000; i++) {
            out.write('[');
            out.flush();
            Thread.sleep(1000);
          }
        }
        case NOT_JSON -> answer(out, "200 OK", "<html>maintenance</html>");
        case WRONG_JSON -> answer(out, "200 OK", "[[\"doveadmResponse\",{\"scanned\":\"x\"},1]]");
        case NOT_HTTP -> out.write("SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.US_ASCII));
        case FLOOD -> {
          out.write(
              "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n["
                  .getBytes(StandardCharsets.US_ASCII));
          byte[] chunk = "1,".repeat(32 * 1024).getBytes(StandardCharsets.US_ASCII);
          while (true) {
            out.write(chunk);
          }
        }
        case UNAUTHORIZED -> answer(out, "401 Unauthorized", "{\"error\":\"unauthorized\"}");
      }
      out.flush();
    } catch (IOException | InterruptedException e) {
      // The client gave up or the test ended: what a misbehaving daemon sees.
    }
  }

  private static void answer(OutputStream out, String status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    out.write(
        ("HTTP/1.1 "
                + status
                + "\r\nContent-Type: application/json\r\nContent-Length: "
                + bytes.length
                + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket socket : open) {
      socket.close();
    }
  }
}
