package io.mailplane.push;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Dovecot through its doveadm HTTP API: forgets cached logins of changed mailboxes, ends the
 * sessions of mailboxes that may no longer log in, and reloads after a certificate change (Dovecot
 * reads its TLS files only at start and reload).
 *
 * <p>Dovecot 2.4.1 (the seed's mda, Debian 13) cannot flush its auth cache over HTTP: its doveadm
 * server panics on {@code authCacheFlush} whatever the parameters (an assertion reading the {@code
 * user} array as a string; without {@code user} the command dies with "Missing user parameter";
 * upstream DOV-8649) and closes the connection with no reply. When a flush meets that and a {@code
 * reload} right after is answered, this target reloads instead from then on: a reload starts a new
 * auth process, whose cache is empty, while open IMAP sessions go on. It costs every cached login
 * of every user one database lookup, so it is the fallback, not the default.
 */
class DoveadmTarget implements PushTarget {
  private static final Logger LOG = Logger.getLogger(DoveadmTarget.class);

  /** doveadm's EX_NOUSER: kick found no session of that user, which is what we want. */
  private static final int NO_SUCH_USER = 68;

  private static final List<Object> RELOAD = List.of("reload", Map.of(), "reload");

  private final URI url;
  private final String authorization;
  private final String apiKey;
  private final Duration timeout;
  private final LoginStates logins;
  private final ObjectMapper json;
  private final HttpClient http;

  /** False once this Dovecot was seen dying on authCacheFlush; it then gets reloads. */
  private volatile boolean flushOverHttp = true;

  DoveadmTarget(
      String url, String apiKey, Duration timeout, LoginStates logins, ObjectMapper json) {
    this.url = URI.create(url);
    this.apiKey = apiKey;
    this.authorization =
        "X-Dovecot-API "
            + Base64.getEncoder().encodeToString(apiKey.getBytes(StandardCharsets.UTF_8));
    this.timeout = timeout;
    this.logins = logins;
    this.json = json;
    this.http =
        HttpClient.newBuilder()
            // Dovecot drops the h2c upgrade request Java sends by default.
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .build();
  }

  @Override
  public String type() {
    return "doveadm";
  }

  @Override
  public void apply(List<Change> changes) throws IOException, InterruptedException {
    Set<String> addresses = new LinkedHashSet<>();
    Set<String> kicked = new LinkedHashSet<>();
    boolean reload = false;
    boolean flushAll = false;
    for (Change change : changes) {
      if (change.kind().equals(Outbox.NEW_MAILBOXES)) {
        flushAll = true;
      } else if (change.kind().equals(Outbox.MAILBOX)) {
        addresses.add(change.key());
      } else if (change.kind().equals(Outbox.SESSIONS)) {
        addresses.add(change.key());
        kicked.add(change.key());
      } else if (change.kind().equals(Outbox.TLS)) {
        reload = true;
      }
    }
    // One flush of everything covers the listed users too: a bulk load costs one request per
    // delivered batch, however many mailboxes it created.
    if ((flushAll || !addresses.isEmpty())
        && !flush(flushAll ? List.of() : List.copyOf(addresses))) {
      reload = true;
    }
    List<List<Object>> commands = new ArrayList<>();
    // A kick mask is a glob: an address with '*' or '?' may end more sessions than its own.
    // That only makes clients reconnect, while ending too few would keep a disabled user in.
    kicked.addAll(logins.withoutLogin(addresses));
    int i = 0;
    for (String address : kicked) {
      commands.add(List.of("kick", Map.of("mask", List.of(address)), "kick" + i++));
    }
    if (reload) {
      commands.add(RELOAD);
    }
    if (!commands.isEmpty()) {
      send(commands);
    }
  }

  /**
   * Without the cache Dovecot asks the database on every login, so flushing it all is the whole
   * state. An empty user list flushes everything; a missing one kills doveadm in 2.3.19.
   */
  @Override
  public void reconcile() throws IOException, InterruptedException {
    if (!flush(List.of())) {
      send(List.of(RELOAD));
    }
  }

  /**
   * Flushes the auth cache of these users (all for none) in a request of its own, so a Dovecot that
   * dies on it takes no other command with it. False: this Dovecot cannot, reload instead.
   */
  private boolean flush(List<String> users) throws IOException, InterruptedException {
    if (!flushOverHttp) {
      return false;
    }
    try {
      send(List.of(List.of("authCacheFlush", Map.of("user", users), "flush")));
      return true;
    } catch (HttpTimeoutException | ConnectException e) {
      throw e;
    } catch (IOException e) {
      if (!closedWithoutReply(e)) {
        throw e;
      }
      try {
        send(List.of(RELOAD));
      } catch (IOException reloadFailed) {
        // Dovecot is down or unreachable, not just its flush: a plain failure, retried later.
        e.addSuppressed(reloadFailed);
        throw e;
      }
      flushOverHttp = false;
      LOG.warnf(
          "doveadm at %s closed the connection on authCacheFlush and answered a reload (Dovecot"
              + " 2.4.1's doveadm HTTP flush bug, DOV-8649): emptying its auth cache by reload"
              + " from now on, until mailplane restarts",
          url);
      return false;
    }
  }

  boolean flushesOverHttp() {
    return flushOverHttp;
  }

  /** The response never came: headers missing or the body cut off, not an HTTP error status. */
  private static boolean closedWithoutReply(IOException e) {
    return !(e instanceof DoveadmException);
  }

  private void send(List<List<Object>> commands) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(timeout)
            .header("Authorization", authorization)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(commands)))
            .build();
    HttpResponse<String> response = exchange(request);
    if (response.statusCode() != 200) {
      throw new DoveadmException("doveadm answered HTTP " + response.statusCode());
    }
    JsonNode results;
    try {
      results = json.readTree(response.body());
    } catch (JsonProcessingException e) {
      throw new DoveadmException("doveadm answered no JSON: " + e.getOriginalMessage());
    }
    for (JsonNode result : results) {
      if (!result.path(0).asText().equals("error")) {
        continue;
      }
      String tag = result.path(2).asText();
      int exitCode = result.path(1).path("exitCode").asInt(-1);
      if (tag.startsWith("kick") && exitCode == NO_SUCH_USER) {
        continue;
      }
      throw new DoveadmException(
          "doveadm command '"
              + tag.replaceAll("[0-9]+$", "")
              + "' failed: "
              + result.path(1).path("type").asText()
              + (exitCode >= 0 ? " " + exitCode : ""));
    }
  }

  /**
   * The request's own timeout ends only the wait for the response headers; a daemon that sends them
   * and never finishes the body would hold the publisher for ever. This deadline covers the whole
   * exchange, and cancelling aborts the connection.
   */
  private HttpResponse<String> exchange(HttpRequest request)
      throws IOException, InterruptedException {
    CompletableFuture<HttpResponse<String>> response =
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    try {
      return response.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new HttpTimeoutException("doveadm did not answer within " + timeout);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof HttpTimeoutException) {
        // The client's own header timeout is the same deadline: one message for both, whichever
        // fires first (they race on a loaded machine).
        throw new HttpTimeoutException("doveadm did not answer within " + timeout);
      }
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(e.getCause());
    } finally {
      response.cancel(true);
    }
  }

  /** Dovecot answered, and the answer was a failure. */
  private static final class DoveadmException extends IOException {
    private static final long serialVersionUID = 1L;

    DoveadmException(String message) {
      super(message);
    }
  }

  @Override
  public String redact(String message) {
    return message == null ? null : message.replace(apiKey, "***");
  }

  /** Type doveadm: Dovecot, for mailbox logins and TLS reloads. */
  @ApplicationScoped
  static class Factory implements PushTargetFactory {
    @Inject LoginStates logins;
    @Inject ObjectMapper json;

    @Override
    public String type() {
      return "doveadm";
    }

    @Override
    public PushTarget create(PushConfig.Target target, String prefix) {
      return new DoveadmTarget(
          PushTargetFactory.required(target.url(), prefix + "url"),
          PushTargetFactory.required(target.apiKey(), prefix + "api-key"),
          target.timeout(),
          logins,
          json);
    }
  }
}
