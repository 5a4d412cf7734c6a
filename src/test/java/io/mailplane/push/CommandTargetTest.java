package io.mailplane.push;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailplane.NeedsDaemons;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The command target against the real Postfix of deploy/local/mail-services.sh. */
@NeedsDaemons
class CommandTargetTest {
  static final String STATE =
      System.getenv().getOrDefault("MAILPLANE_MAIL_DIR", "/var/tmp/mailplane-mail");

  @Test
  void reloadsPostfixForItsKindsOnly() throws Exception {
    Path log = Path.of(STATE, "log/postfix.log");
    CommandTarget reload =
        new CommandTarget(
            List.of("postfix", "-c", STATE + "/postfix", "reload"),
            Set.of(Outbox.TLS),
            Duration.ofSeconds(20));
    long before = reloads(log);
    reload.apply(List.of(new PushTarget.Change(Outbox.MAILBOX, "x@example.com")));
    assertTrue(reloads(log) == before, "a mailbox event must not reload Postfix");
    reload.apply(List.of(new PushTarget.Change(Outbox.TLS, "mail")));
    Instant deadline = Instant.now().plusSeconds(10);
    while (reloads(log) == before && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
    }
    assertTrue(reloads(log) > before, "Postfix logged no reload");
  }

  @Test
  void failuresAndTimeoutsAreReported() {
    assertThrows(
        IOException.class,
        () ->
            new CommandTarget(List.of("false"), Set.of(Outbox.TLS), Duration.ofSeconds(5))
                .reconcile());
    Instant start = Instant.now();
    assertThrows(
        IOException.class,
        () ->
            new CommandTarget(List.of("sleep", "30"), Set.of(Outbox.TLS), Duration.ofMillis(500))
                .reconcile());
    assertTrue(Duration.between(start, Instant.now()).toSeconds() < 10);
  }

  private static long reloads(Path log) throws IOException {
    try (var lines = Files.lines(log)) {
      return lines.filter(line -> line.contains("reload -- version")).count();
    }
  }
}
