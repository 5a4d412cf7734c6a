package io.mailplane.stats;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ProtocolException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * HTTP exchanges with a statistics source that can neither hang nor flood the sampler: one deadline
 * covers connect, headers and body (the request timeout alone ends only the wait for headers), and
 * a body larger than the limit is abandoned.
 */
final class BoundedHttp {
  /** Rspamd's /counters lists every symbol: about 150 kB with the default rules. */
  static final int MAX_BODY = 4 * 1024 * 1024;

  private final HttpClient http;
  private final Duration timeout;

  BoundedHttp(Duration timeout) {
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            // Dovecot drops the h2c upgrade request Java sends by default.
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** A source that could not be reached or did not answer in time. */
  static final class Unreachable extends IOException {
    Unreachable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  HttpRequest.Builder request(URI uri) {
    return HttpRequest.newBuilder(uri).timeout(timeout);
  }

  /** The body of a 200 answer; anything else is an IOException saying what came back. */
  byte[] exchange(HttpRequest request, String source) throws IOException, InterruptedException {
    CompletableFuture<HttpResponse<byte[]>> response = http.sendAsync(request, info -> limited());
    HttpResponse<byte[]> answer;
    try {
      answer = response.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new Unreachable(source + " did not answer within " + timeout.toMillis() + " ms", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      for (Throwable c = cause; c != null; c = c.getCause()) {
        if (c instanceof TooLarge) {
          throw new IOException(source + ": " + c.getMessage(), c);
        }
      }
      if (cause instanceof ProtocolException) {
        throw new IOException(source + " answered something that is not HTTP: " + describe(cause));
      }
      if (cause instanceof ConnectException || cause instanceof HttpTimeoutException) {
        throw new Unreachable(source + " unreachable: " + describe(cause), cause);
      }
      if (cause instanceof IOException io) {
        throw new Unreachable(source + " connection failed: " + describe(io), io);
      }
      throw new IOException(source + ": " + describe(cause), cause);
    } finally {
      response.cancel(true);
    }
    if (answer.statusCode() != 200) {
      throw new IOException(source + " answered HTTP " + answer.statusCode());
    }
    return answer.body();
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  static final class TooLarge extends IOException {
    TooLarge() {
      super("answer larger than " + MAX_BODY + " bytes");
    }
  }

  /** Collects the body and fails (cancelling the stream) once it passes MAX_BODY. */
  private static HttpResponse.BodySubscriber<byte[]> limited() {
    return new HttpResponse.BodySubscriber<>() {
      private final CompletableFuture<byte[]> result = new CompletableFuture<>();
      private final ByteArrayOutputStream body = new ByteArrayOutputStream();
      private Flow.Subscription subscription;

      @Override
      public CompletionStage<byte[]> getBody() {
        return result;
      }

      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(List<ByteBuffer> buffers) {
        if (result.isDone()) {
          return;
        }
        for (ByteBuffer buffer : buffers) {
          if (body.size() + buffer.remaining() > MAX_BODY) {
            subscription.cancel();
            result.completeExceptionally(new TooLarge());
            return;
          }
          byte[] bytes = new byte[buffer.remaining()];
          buffer.get(bytes);
          body.write(bytes, 0, bytes.length);
        }
      }

      @Override
      public void onError(Throwable throwable) {
        result.completeExceptionally(throwable);
      }

      @Override
      public void onComplete() {
        result.complete(body.toByteArray());
      }
    };
  }
}
