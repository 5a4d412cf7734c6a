package io.mailplane.push;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program (e.g. `postfix -c DIR reload`) after changes of the configured kinds. No shell:
 * the argv is passed as configured, so no event key can inject anything.
 */
class CommandTarget implements PushTarget {
  private final List<String> argv;
  private final Set<String> kinds;
  private final Duration timeout;

  CommandTarget(List<String> argv, Set<String> kinds, Duration timeout) {
    this.argv = List.copyOf(argv);
    this.kinds = Set.copyOf(kinds);
    this.timeout = timeout;
  }

  @Override
  public String type() {
    return "command";
  }

  @Override
  public void apply(List<Change> changes) throws IOException, InterruptedException {
    if (changes.stream().anyMatch(change -> kinds.contains(configuredKind(change.kind())))) {
      run();
    }
  }

  @Override
  public void reconcile() throws IOException, InterruptedException {
    run();
  }

  /** The kind a command is configured for: new mailboxes of a bulk load are mailbox changes. */
  private static String configuredKind(String kind) {
    return kind.equals(Outbox.NEW_MAILBOXES) ? Outbox.MAILBOX : kind;
  }

  private void run() throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(argv)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    // Drained so a chatty program cannot block on a full pipe; the output is not stored, as it
    // may echo configuration.
    Thread drain =
        new Thread(
            () -> {
              try (InputStream out = process.getInputStream()) {
                out.transferTo(OutputStream.nullOutputStream());
              } catch (IOException ignored) {
                // the process is gone; nothing left to drain
              }
            },
            "push-command-output");
    drain.setDaemon(true);
    drain.start();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new IOException("'" + argv.get(0) + "' did not finish within " + timeout);
    }
    drain.join(1000);
    if (process.exitValue() != 0) {
      throw new IOException("'" + argv.get(0) + "' exited with " + process.exitValue());
    }
  }

  /** Type command: a local program, for any of the outbox kinds. */
  @ApplicationScoped
  static class Factory implements PushTargetFactory {
    @Override
    public String type() {
      return "command";
    }

    @Override
    public PushTarget create(PushConfig.Target target, String prefix) {
      if (target.command().isEmpty() || target.command().get().isEmpty()) {
        throw new IllegalStateException(prefix + "command is required");
      }
      Set<String> kinds = new HashSet<>(target.kinds());
      if (!Set.of(Outbox.DKIM, Outbox.MAILBOX, Outbox.TLS).containsAll(kinds)) {
        throw new IllegalStateException(prefix + "kinds: only dkim, mailbox, tls");
      }
      return new CommandTarget(target.command().get(), kinds, target.timeout());
    }
  }
}
