package io.mailplane.fetchmail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One execution of the real fetchmail binary: a private 0700 directory holding the 0600 rc file,
 * the pid file and the id file; no shell; a cleared environment; the whole process tree killed at
 * the timeout. The password exists only in the rc file (deleted with the directory) and is stripped
 * from the captured output.
 */
final class FetchmailProcess {
  /** What a run produced. outcome is one of the API's outcomes. */
  record Result(String outcome, Integer exitCode, int messages, String idState, String log) {}

  private static final Pattern READING = Pattern.compile("(?m)reading message ");
  // fetchmail's own lines for a failed handshake or certificate check. Not the bare word "TLS":
  // every socket failure prints "Socket or TLS error".
  private static final Pattern TLS_TROUBLE =
      Pattern.compile(
          "(?i)(OpenSSL reported|upgrade to TLS failed|certificate|SSL connection failed"
              + "|handshake|server does not support STARTTLS)");
  private static final int MAX_CAPTURE = 256 * 1024;

  private FetchmailProcess() {}

  static Result run(
      String binary,
      Path workDirectory,
      String rc,
      String idState,
      String password,
      Duration timeout,
      int logTailChars)
      throws IOException, InterruptedException {
    Files.createDirectories(workDirectory);
    Files.setPosixFilePermissions(workDirectory, PosixFilePermissions.fromString("rwx------"));
    Path dir =
        Files.createTempDirectory(
            workDirectory,
            "run-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    try {
      Path rcFile = dir.resolve("fetchmailrc");
      Path idFile = dir.resolve("fetchids");
      Path pidFile = dir.resolve("fetchmail.pid");
      // Created empty with 0600 before the secret is written, so it is never readable by others.
      Files.createFile(
          rcFile,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(rcFile, rc, StandardCharsets.UTF_8);
      if (idState != null && !idState.isEmpty()) {
        Files.createFile(
            idFile,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(idFile, idState, StandardCharsets.UTF_8);
      }
      List<String> command =
          List.of(
              binary,
              "--fetchmailrc",
              rcFile.toString(),
              "--pidfile",
              pidFile.toString(),
              "--idfile",
              idFile.toString(),
              "--nosyslog",
              "--nodetach");
      ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command));
      builder.directory(dir.toFile());
      builder.redirectErrorStream(true);
      Map<String, String> env = builder.environment();
      env.clear();
      env.put("HOME", dir.toString());
      env.put("FETCHMAILHOME", dir.toString());
      env.put("PATH", "/usr/bin:/bin");
      env.put("LC_ALL", "C");
      Process process = builder.start();
      process.getOutputStream().close();
      OutputCollector output = new OutputCollector(process.getInputStream());
      Thread reader = new Thread(output, "fetchmail-output");
      reader.setDaemon(true);
      reader.start();
      boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!finished) {
        killTree(process);
      }
      reader.join(5_000);
      String log = output.text();
      int messages = count(log);
      String newIdState =
          Files.exists(idFile) ? Files.readString(idFile, StandardCharsets.UTF_8) : idState;
      String tail = tail(redact(log, password), logTailChars);
      if (!finished) {
        return new Result("timeout", null, messages, newIdState, tail);
      }
      int exit = process.exitValue();
      return new Result(outcome(exit, log), exit, messages, newIdState, tail);
    } finally {
      deleteTree(dir);
    }
  }

  /** fetchmail's exit codes (fetchmail(1) EXIT CODES). */
  static String outcome(int exit, String log) {
    return switch (exit) {
      case 0 -> "fetched";
      case 1 -> "no_mail";
      // 2: the socket failed, which also covers a failed TLS handshake or certificate check.
      case 2 -> TLS_TROUBLE.matcher(log).find() ? "tls_failed" : "connect_failed";
      case 3 -> "auth_failed";
      case 11 -> "connect_failed";
      default -> "error";
    };
  }

  static int count(String log) {
    Matcher m = READING.matcher(log);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  /**
   * Removes the password (and the line of any command that carries credentials) from fetchmail's
   * output, and control characters other than newlines.
   */
  static String redact(String log, String password) {
    String out = log;
    if (password != null && !password.isEmpty()) {
      out = out.replace(password, "[redacted]");
    }
    StringBuilder clean = new StringBuilder(out.length());
    for (String line : out.split("\n", -1)) {
      String upper = line.toUpperCase(java.util.Locale.ROOT);
      if (upper.contains(" LOGIN ") || upper.contains("AUTHENTICATE") || upper.contains("PASS ")) {
        int cut = Math.min(line.length(), Math.max(upper.indexOf("LOGIN"), 0) + 5);
        line = line.substring(0, cut) + " [redacted]";
      }
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        clean.append(c < 0x20 && c != '\t' ? ' ' : c);
      }
      clean.append('\n');
    }
    return clean.toString().strip();
  }

  static String tail(String text, int max) {
    return text.length() <= max ? text : "…" + text.substring(text.length() - max + 1);
  }

  /** Kills fetchmail and anything it started (a plugin, a preconnect command, an MDA). */
  static void killTree(Process process) throws InterruptedException {
    ProcessHandle handle = process.toHandle();
    List<ProcessHandle> tree = new ArrayList<>(handle.descendants().toList());
    tree.forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
    for (ProcessHandle child : tree) {
      child.onExit().completeOnTimeout(child, 5, TimeUnit.SECONDS).join();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  /** Reads the merged output; keeps at most MAX_CAPTURE characters (the end). */
  private static final class OutputCollector implements Runnable {
    private final InputStream in;
    private final StringBuilder text = new StringBuilder();

    OutputCollector(InputStream in) {
      this.in = in;
    }

    @Override
    public void run() {
      byte[] buffer = new byte[8192];
      try {
        int n;
        while ((n = in.read(buffer)) > 0) {
          synchronized (text) {
            text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            if (text.length() > MAX_CAPTURE) {
              text.delete(0, text.length() - MAX_CAPTURE);
            }
          }
        }
      } catch (IOException e) {
        // the process was killed: what was read is kept
      }
    }

    String text() {
      synchronized (text) {
        return text.toString();
      }
    }
  }
}
