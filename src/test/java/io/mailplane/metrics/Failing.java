package io.mailplane.metrics;

import io.mailplane.fetchmail.FetchmailApi;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

/** Real peers that fail, for metrics that count failures. */
public final class Failing {
  private Failing() {}

  /** A loopback port nothing listens on (connections are refused at once). */
  public static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** A disabled fetchmail account of the mailbox whose server refuses connections; its id. */
  static long fetchmailAccount(String mailbox, String password) throws IOException {
    Map<String, Object> body = new HashMap<>();
    body.put("mailbox", mailbox);
    body.put("host", "127.0.0.1");
    body.put("port", closedPort());
    body.put("protocol", "imap");
    body.put("tls", "none");
    body.put("username", "remote");
    body.put("password", password);
    body.put("enabled", false);
    return FetchmailApi.create(body);
  }
}
