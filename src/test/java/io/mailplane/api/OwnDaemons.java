package io.mailplane.api;

import io.mailplane.TestDatabase;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A private database server (MariaDB, or PostgreSQL on a -Dmailplane.db=postgresql run) and Redis
 * for a test that must take them down: the shared daemons stay up for everyone else. Stateless
 * helpers (pids live in files under the directory), so the test and the lifecycle manager can use
 * them whatever class loader each runs in.
 */
public final class OwnDaemons implements QuarkusTestResourceLifecycleManager {
  /** Config key naming the directory with the daemons' data and pid files. */
  static final String DIRECTORY = "mailplane.test.own-daemons";

  private Path directory;

  @Override
  public Map<String, String> start() {
    try {
      directory = Files.createTempDirectory("mailplane-own-daemons");
      int dbPort = freePort();
      int redisPort = freePort();
      Files.writeString(directory.resolve("db.port"), Integer.toString(dbPort));
      Files.writeString(directory.resolve("redis.port"), Integer.toString(redisPort));
      String url;
      if (TestDatabase.postgresql()) {
        Path data = directory.resolve("data");
        Files.createDirectories(data);
        asDatabaseOwner(directory, data);
        run(
            postgresCommand(
                directory,
                "initdb",
                "--auth=trust",
                "--username=mailplane",
                "--no-sync",
                "--encoding=UTF8",
                "-D",
                data.toString()),
            Duration.ofMinutes(2));
        startDatabase(directory);
        url = "jdbc:postgresql://127.0.0.1:" + dbPort + "/";
        try (Connection connection =
                DriverManager.getConnection(url + "postgres", "mailplane", "mailplane");
            Statement statement = connection.createStatement()) {
          statement.execute("CREATE DATABASE mailplane");
        }
      } else {
        run(
            List.of(
                "mariadb-install-db",
                "--no-defaults",
                "--datadir=" + directory.resolve("data"),
                "--user=root",
                "--auth-root-authentication-method=normal",
                "--skip-test-db"),
            Duration.ofMinutes(2));
        startDatabase(directory);
        url = "jdbc:mariadb://127.0.0.1:" + dbPort + "/";
        try (Connection connection = DriverManager.getConnection(url, "mailplane", "mailplane");
            Statement statement = connection.createStatement()) {
          statement.execute("CREATE DATABASE mailplane");
        }
      }
      startRedis(directory);
      return Map.of(
          DIRECTORY,
          directory.toString(),
          "quarkus.datasource.jdbc.url",
          url + "mailplane",
          "quarkus.datasource.jdbc.acquisition-timeout",
          "2s",
          "quarkus.redis.hosts",
          "redis://127.0.0.1:" + redisPort + "/0",
          // Nothing to push here; the shared targets belong to the other tests.
          "mailplane.push.enabled",
          "false");
    } catch (Exception e) {
      stop();
      throw new IllegalStateException("could not start the private database and Redis", e);
    }
  }

  @Override
  public void stop() {
    if (directory != null) {
      delete(directory);
    }
  }

  /**
   * Starts (or restarts, on the same data) the private database server; returns once it listens.
   */
  static void startDatabase(Path directory) throws IOException, InterruptedException {
    int port = port(directory, "db");
    ProcessBuilder builder;
    if (TestDatabase.postgresql()) {
      // Trust authentication (initdb above): the private server is only this test's.
      builder =
          new ProcessBuilder(
              postgresCommand(
                  directory,
                  "postgres",
                  "-D",
                  directory.resolve("data").toString(),
                  "-p",
                  Integer.toString(port),
                  "-c",
                  "listen_addresses=127.0.0.1",
                  "-c",
                  "unix_socket_directories=" + directory.resolve("data"),
                  "-c",
                  "fsync=off",
                  "-c",
                  "shared_buffers=16MB"));
    } else {
      // No grant tables: any user may connect, as the private server is only this test's.
      builder =
          new ProcessBuilder(
              "mariadbd",
              "--no-defaults",
              "--datadir=" + directory.resolve("data"),
              "--user=root",
              "--port=" + port,
              "--bind-address=127.0.0.1",
              "--socket=" + directory.resolve("mariadb.sock"),
              "--skip-grant-tables",
              "--skip-log-bin",
              "--innodb-buffer-pool-size=32M");
    }
    Process process =
        builder
            .redirectErrorStream(true)
            .redirectOutput(directory.resolve("db.log").toFile())
            .start();
    Files.writeString(directory.resolve("db.pid"), Long.toString(process.pid()));
    awaitListening(port, process);
  }

  /**
   * A directory for a private redis-server on a free port, not started yet: a test that only needs
   * its own Redis (to take it down) starts and stops it with {@link #startRedis}, {@link
   * #stopRedis}, and removes the directory with {@link #delete}.
   */
  public static Path redisDirectory() throws IOException {
    Path directory = Files.createTempDirectory("mailplane-own-redis");
    Files.writeString(directory.resolve("redis.port"), Integer.toString(freePort()));
    return directory;
  }

  /** The port of the directory's Redis. */
  public static int redisPort(Path directory) throws IOException {
    return port(directory, "redis");
  }

  /** Starts (or restarts) the directory's redis-server; returns once it listens. */
  public static void startRedis(Path directory) throws IOException, InterruptedException {
    int port = port(directory, "redis");
    Process process =
        new ProcessBuilder(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    Files.writeString(directory.resolve("redis.pid"), Long.toString(process.pid()));
    awaitListening(port, process);
  }

  /** Stops the directory's redis-server and waits until it is gone. */
  public static void stopRedis(Path directory) {
    kill(directory, "redis");
  }

  /** Stops what still runs of the directory's daemons and deletes the directory. */
  public static void delete(Path directory) {
    kill(directory, "db");
    kill(directory, "redis");
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException ignored) {
      // a temp directory left behind
    }
  }

  /** Stops the named daemon ("db" or "redis") and waits until it is gone. */
  static void kill(Path directory, String name) {
    try {
      Path pidFile = directory.resolve(name + ".pid");
      if (!Files.exists(pidFile)) {
        return;
      }
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      boolean postgres = "db".equals(name) && TestDatabase.postgresql();
      ProcessHandle.of(pid)
          .ifPresent(
              process -> {
                if (postgres) {
                  // SIGQUIT, PostgreSQL's immediate shutdown: its backends go with it, so the
                  // restart finds no old shared memory still attached (SIGKILL would leave them).
                  signalQuit(pid);
                } else {
                  process.destroyForcibly();
                }
                process.onExit().join();
              });
      Files.delete(pidFile);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void signalQuit(long pid) {
    try {
      run(List.of("kill", "-QUIT", Long.toString(pid)), Duration.ofSeconds(10));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static int port(Path directory, String name) throws IOException {
    return Integer.parseInt(Files.readString(directory.resolve(name + ".port")).trim());
  }

  private static void awaitListening(int port, Process process)
      throws IOException, InterruptedException {
    Instant deadline = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(deadline) && process.isAlive()) {
      try (Socket socket = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    process.destroyForcibly();
    throw new IOException("daemon did not start listening on " + port);
  }

  private static void run(List<String> command, Duration timeout)
      throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException(command.get(0) + " failed");
    }
  }

  /**
   * A command of Debian's newest PostgreSQL server binaries. PostgreSQL refuses to run as root (CI
   * runs as root): then the command runs as the postgres user, which setpriv does by exec, so the
   * recorded pid is the server's own.
   */
  private static List<String> postgresCommand(Path directory, String binary, String... arguments)
      throws IOException {
    Path bin;
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      bin =
          versions
              .max(
                  Comparator.comparingInt(
                      version -> Integer.parseInt(version.getFileName().toString())))
              .orElseThrow(() -> new IOException("no PostgreSQL server in /usr/lib/postgresql"))
              .resolve("bin");
    }
    List<String> command = new ArrayList<>();
    if (isRoot()) {
      command.addAll(
          List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--clear-groups", "--"));
    }
    command.add(bin.resolve(binary).toString());
    command.addAll(List.of(arguments));
    return command;
  }

  /**
   * Hands the data directory to the postgres user when running as root; the parent stays root's.
   */
  private static void asDatabaseOwner(Path directory, Path data)
      throws IOException, InterruptedException {
    if (isRoot()) {
      Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx--x--x"));
      run(List.of("chown", "postgres:postgres", data.toString()), Duration.ofSeconds(30));
    }
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
