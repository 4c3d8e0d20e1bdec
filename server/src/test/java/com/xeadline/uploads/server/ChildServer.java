package com.xeadline.uploads.server;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The server in a separate JVM, so a test can kill it the hard way (SIGKILL). */
final class ChildServer implements AutoCloseable {
  /**
   * How long a child may take to answer /healthz: a JVM start on a busy 2-core machine has been
   * seen to take a minute, so the bound is generous; a child that dies early fails at once.
   */
  private static final Duration STARTUP_BOUND = Duration.ofSeconds(180);

  final Process process;
  final int port;
  private final Path log;

  private ChildServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  static ChildServer start(Path dataDir, String... flags) throws Exception {
    return start(dataDir, List.of(), flags);
  }

  static ChildServer start(Path dataDir, List<String> jvmOptions, String... flags) throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    // The child writes temporary files where the test JVM does (CI gives each run a new one).
    command.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.add("--server.host=127.0.0.1");
    command.add("--server.port=" + port);
    command.add("--storage.data-dir=" + dataDir);
    command.add("--auth.mode=none");
    command.add("--uploads.verify-content=false");
    command.add("--limits.writes=1000000/1m");
    command.add("--limits.creations=100000/1m");
    if (List.of(flags).stream().noneMatch(f -> f.startsWith("--video.probe"))) {
      command.add("--video.probe=false"); // random bytes as video/mp4 would be failed by probing
    }
    command.addAll(List.of(flags));
    Path log = dataDir.resolve("child-" + System.nanoTime() + ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    ChildServer child = new ChildServer(process, port, log);
    child.awaitHealthy();
    return child;
  }

  URI base() {
    return URI.create("http://127.0.0.1:" + port + "/");
  }

  /** Until /healthz answers and the start has ended (the server.started line). */
  private void awaitHealthy() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + STARTUP_BOUND.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("child server exited with " + process.exitValue() + "; its last lines:\n" + lastLogLines());
      }
      try {
        HttpResponse<String> health =
            http.send(HttpRequest.newBuilder(base().resolve("/healthz")).build(), HttpResponse.BodyHandlers.ofString());
        // Healthy once the routes open; started once the rest (the JSON API) is in place too. A
        // SIGTERM before that lets the start finish first, which a test timing its stop must not meet.
        if (health.statusCode() == 200 && Files.readString(log).contains("\"event\":\"server.started\"")) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(100);
    }
    process.destroyForcibly();
    throw new IllegalStateException(
        "child server did not become healthy within " + STARTUP_BOUND + "; its last lines:\n" + lastLogLines());
  }

  /** The end of the child's log, for a failure message. */
  String lastLogLines() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** True once the listener is closed (a draining or dead server). */
  boolean refusesConnections() {
    try (Socket probe = new Socket("127.0.0.1", port)) {
      return false;
    } catch (IOException refused) {
      return true;
    }
  }

  /** SIGKILL: no shutdown hook, no flush, no close. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      process.waitFor();
    }
  }
}
