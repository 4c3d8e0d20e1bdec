import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fault-injection soak: a child server is SIGKILLed at random moments while clients PATCH tus
 * uploads, send legacy chunks and complete uploads; it is restarted on the same data directory and
 * every upload a client saw acknowledged is checked: it must resume from at least its acknowledged
 * offset (chunks: keep every acknowledged chunk) or be completed, and end byte-exact by sha256.
 *
 *   java scripts/soak/Soak.java [--rounds N] [--jar PATH] [--data DIR] [--max-life MS] [--seed S] [-- server flags]
 *
 * Prints rounds, acknowledged uploads, lost, corrupt and undownloadable; exits 1 on any of them.
 */
public class Soak {
  private static final int WORKERS = 3;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private static final Pattern ID = Pattern.compile("\"uploadId\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern RECEIVED = Pattern.compile("\"receivedChunks\"\\s*:\\s*\\[([0-9,\\s]*)]");
  private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([a-z_]+)\"");

  /** One upload as its client knows it: only what the server acknowledged counts. */
  static final class Tracked {
    final String id;
    final boolean chunked;
    final long seed;
    final int length;
    final int totalChunks;
    volatile long ackedOffset;
    final Set<Integer> ackedChunks = ConcurrentHashMap.newKeySet();
    volatile boolean completeAcked;
    volatile boolean verified;
    volatile boolean failed;
    final AtomicBoolean busy = new AtomicBoolean();

    Tracked(String id, boolean chunked, long seed, int length, int totalChunks) {
      this.id = id;
      this.chunked = chunked;
      this.seed = seed;
      this.length = length;
      this.totalChunks = totalChunks;
    }

    byte[] bytes() {
      byte[] data = new byte[length];
      new Random(seed).nextBytes(data);
      return data;
    }

    int chunkSize() {
      return (length + totalChunks - 1) / totalChunks;
    }
  }

  private final List<Tracked> uploads = new CopyOnWriteArrayList<>();
  private final List<String> problems = new CopyOnWriteArrayList<>();
  private final Random random;
  private final Path jar;
  private final Path data;
  private final List<String> serverFlags;
  private int lost;
  private int corrupt;
  private int undownloadable;
  private Process server;
  private URI base;

  Soak(long seed, Path jar, Path data, List<String> serverFlags) {
    this.random = new Random(seed);
    this.jar = jar;
    this.data = data;
    this.serverFlags = serverFlags;
  }

  public static void main(String[] args) throws Exception {
    int rounds = 100;
    long maxLife = 6000;
    long seed = System.nanoTime();
    Path jar = Path.of("server/target/xeadline-uploads.jar");
    Path data = null;
    List<String> flags = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--max-life" -> maxLife = Long.parseLong(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--jar" -> jar = Path.of(args[++i]);
        case "--data" -> data = Path.of(args[++i]);
        case "--" -> flags.addAll(Arrays.asList(args).subList(i + 1, args.length));
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
      if (args[i].equals("--")) {
        break;
      }
    }
    if (data == null) {
      data = Files.createTempDirectory("soak-");
    }
    System.out.println("soak: data " + data + ", seed " + seed + ", rounds " + rounds);
    Soak soak = new Soak(seed, jar, data, flags);
    Runtime.getRuntime().addShutdownHook(new Thread(soak::stopServer));
    boolean clean;
    try {
      clean = soak.run(rounds, maxLife);
    } finally {
      soak.stopServer();
    }
    System.exit(clean ? 0 : 1);
  }

  boolean run(int rounds, long maxLife) throws Exception {
    for (int round = 1; round <= rounds; round++) {
      startServer(round);
      check();
      work(50 + (long) (random.nextDouble() * maxLife));
      server.destroyForcibly(); // SIGKILL: no shutdown hook, no close
      server.waitFor();
      if (round % 5 == 0) {
        System.out.printf("round %d: uploads %d, lost %d, corrupt %d, undownloadable %d%n",
            round, uploads.size(), lost, corrupt, undownloadable);
      }
    }
    startServer(rounds + 1);
    check();
    finishAll();
    check();
    server.destroy();
    server.waitFor();
    long acknowledged = uploads.stream().filter(u -> u.ackedOffset > 0 || !u.ackedChunks.isEmpty() || u.completeAcked).count();
    long verified = uploads.stream().filter(u -> u.verified).count();
    problems.forEach(p -> System.out.println("PROBLEM " + p));
    Path h2 = data.resolve("db").resolve("uploads.mv.db");
    if (Files.exists(h2)) {
      System.out.printf("h2 file: %.1f MiB after the clean stop%n", Files.size(h2) / 1048576.0);
    }
    System.out.printf("rounds=%d uploads=%d acknowledged=%d verified=%d lost=%d corrupt=%d undownloadable=%d%n",
        rounds, uploads.size(), acknowledged, verified, lost, corrupt, undownloadable);
    return lost == 0 && corrupt == 0 && undownloadable == 0;
  }

  private void startServer(int round) throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC", "-jar", jar.toString(),
        "--server.host=127.0.0.1", "--server.port=" + port, "--storage.data-dir=" + data, "--auth.mode=none",
        "--uploads.verify-content=false", "--video.probe=false", "--limits.writes=1000000/1m",
        "--limits.creations=100000/1m", "--tus.checkpoint=256KiB", "--server.min-free-space=1MiB"));
    command.addAll(serverFlags);
    Path log = data.resolve("logs").resolve("round-" + round + ".log");
    Files.createDirectories(log.getParent());
    server = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    base = URI.create("http://127.0.0.1:" + port);
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (System.nanoTime() < deadline) {
      if (!server.isAlive()) {
        throw new IllegalStateException("server exited with " + server.exitValue() + ", see " + log);
      }
      try {
        if (send(get("/healthz"), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // starting
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("server did not start, see " + log);
  }

  private void stopServer() {
    Process running = server;
    if (running != null && running.isAlive()) {
      running.destroyForcibly();
    }
  }

  /** Right after a restart: every acknowledgement must still hold. */
  private void check() throws Exception {
    for (Tracked u : uploads) {
      if (u.verified || u.failed) {
        continue;
      }
      for (int attempt = 1; ; attempt++) {
        try {
          if (u.chunked) {
            checkChunked(u);
          } else {
            checkTus(u);
          }
          break;
        } catch (IOException e) {
          if (attempt == 3) {
            throw e;
          }
          Thread.sleep(500);
        }
      }
    }
  }

  private void checkTus(Tracked u) throws Exception {
    HttpResponse<Void> head = send(tus(u.id, "HEAD").build(), HttpResponse.BodyHandlers.discarding());
    if (head.statusCode() == 404 || head.statusCode() == 410) {
      fail(u, "lost", "HEAD " + head.statusCode() + " after ack of " + u.ackedOffset);
      return;
    }
    long offset = Long.parseLong(head.headers().firstValue("Upload-Offset").orElse("-1"));
    if (offset < u.ackedOffset) {
      fail(u, "lost", "offset " + offset + " < acknowledged " + u.ackedOffset);
    } else if (offset == u.length) {
      verifyDownload(u);
    }
  }

  private void checkChunked(Tracked u) throws Exception {
    HttpResponse<String> status = send(get("/api/storage/upload-status?uploadId=" + u.id), HttpResponse.BodyHandlers.ofString());
    if (status.statusCode() != 200) {
      fail(u, "lost", "upload-status " + status.statusCode() + " after " + u.ackedChunks.size() + " chunks acknowledged");
      return;
    }
    Set<Integer> received = new java.util.HashSet<>();
    for (String index : group(RECEIVED, status.body(), "").split(",")) {
      if (!index.isBlank()) {
        received.add(Integer.parseInt(index.strip()));
      }
    }
    String state = group(STATUS, status.body(), "");
    if (u.completeAcked && !state.equals("completed")) {
      fail(u, "lost", "completion acknowledged, status now " + state);
    } else if (!u.completeAcked && !received.containsAll(u.ackedChunks)) {
      fail(u, "lost", "chunks " + u.ackedChunks + " acknowledged, only " + received + " received");
    } else if (state.equals("completed")) {
      verifyDownload(u);
    }
  }

  private void verifyDownload(Tracked u) throws Exception {
    HttpResponse<byte[]> got = send(get("/files/" + u.id), HttpResponse.BodyHandlers.ofByteArray());
    if (got.statusCode() != 200 || got.body().length != u.length) {
      fail(u, "undownloadable", "GET " + got.statusCode() + " with " + got.body().length + " of " + u.length + " bytes");
    } else if (!sha256(got.body()).equals(sha256(u.bytes()))) {
      fail(u, "corrupt", "sha256 differs");
    } else {
      u.verified = true;
    }
  }

  private synchronized void fail(Tracked u, String kind, String detail) {
    u.failed = true;
    switch (kind) {
      case "lost" -> lost++;
      case "corrupt" -> corrupt++;
      default -> undownloadable++;
    }
    problems.add(kind + " " + (u.chunked ? "chunked " : "tus ") + u.id + ": " + detail);
  }

  /** Clients work until the kill; whatever was answered before it counts as acknowledged. */
  private void work(long life) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> workers = new ArrayList<>();
    for (int w = 0; w < WORKERS; w++) {
      long seed = random.nextLong();
      workers.add(Thread.ofPlatform().start(() -> {
        Random r = new Random(seed);
        while (!stop.get()) {
          try {
            step(r);
            Thread.sleep(r.nextDouble() < 0.05 ? r.nextInt(2000) : r.nextInt(50));
          } catch (IOException | InterruptedException serverGone) {
            return;
          } catch (Exception e) {
            problems.add("client error " + e);
            return;
          }
        }
      }));
    }
    Thread.sleep(life);
    stop.set(true);
    server.destroyForcibly();
    for (Thread worker : workers) {
      worker.join();
    }
  }

  private void step(Random r) throws Exception {
    List<Tracked> open = uploads.stream().filter(u -> !u.completeAcked && !u.failed && !u.verified).toList();
    if (open.size() < 6 || r.nextDouble() < 0.1) {
      create(r);
      return;
    }
    Tracked u = open.get(r.nextInt(open.size()));
    if (!u.busy.compareAndSet(false, true)) {
      return;
    }
    try {
      if (u.chunked) {
        sendChunk(u, r);
      } else {
        patch(u, r);
      }
    } finally {
      u.busy.set(false);
    }
  }

  private void create(Random r) throws Exception {
    long seed = r.nextLong();
    int length = 256 * 1024 + r.nextInt(4 * 1024 * 1024);
    String name = Base64.getEncoder().encodeToString("soak.mp4".getBytes(StandardCharsets.UTF_8));
    if (r.nextBoolean()) {
      HttpResponse<Void> created = send(
          HttpRequest.newBuilder(base.resolve("/files/"))
              .header("Tus-Resumable", "1.0.0")
              .header("Upload-Length", Integer.toString(length))
              .header("Upload-Metadata", "filename " + name + ",filetype " + Base64.getEncoder().encodeToString("video/mp4".getBytes()))
              .POST(HttpRequest.BodyPublishers.noBody())
              .build(),
          HttpResponse.BodyHandlers.discarding());
      if (created.statusCode() == 201) {
        String location = created.headers().firstValue("Location").orElseThrow();
        uploads.add(new Tracked(location.substring(location.lastIndexOf('/') + 1), false, seed, length, 0));
      }
    } else {
      int chunks = 2 + r.nextInt(6);
      String json = "{\"fileName\":\"soak.mp4\",\"fileSize\":" + length + ",\"contentType\":\"video/mp4\",\"totalChunks\":" + chunks + "}";
      HttpResponse<String> init = post("/api/storage/init-chunked-upload", "application/json", HttpRequest.BodyPublishers.ofString(json));
      if (init.statusCode() == 200 || init.statusCode() == 201) {
        uploads.add(new Tracked(group(ID, init.body(), null), true, seed, length, chunks));
      }
    }
  }

  private void patch(Tracked u, Random r) throws Exception {
    HttpResponse<Void> head = send(tus(u.id, "HEAD").build(), HttpResponse.BodyHandlers.discarding());
    if (head.statusCode() != 200 && head.statusCode() != 204) {
      return; // judged at the next restart
    }
    long offset = Long.parseLong(head.headers().firstValue("Upload-Offset").orElseThrow());
    int piece = (int) Math.min(u.length - offset, 64 * 1024 + r.nextInt(1024 * 1024));
    byte[] body = Arrays.copyOfRange(u.bytes(), (int) offset, (int) offset + piece);
    HttpResponse<Void> patched = send(
        tus(u.id, "PATCH", HttpRequest.BodyPublishers.ofByteArray(body))
            .header("Upload-Offset", Long.toString(offset))
            .header("Content-Type", "application/offset+octet-stream")
            .build(),
        HttpResponse.BodyHandlers.discarding());
    if (patched.statusCode() == 204) {
      long acked = Long.parseLong(patched.headers().firstValue("Upload-Offset").orElseThrow());
      u.ackedOffset = Math.max(u.ackedOffset, acked);
      if (acked == u.length) {
        u.completeAcked = true;
      }
    }
  }

  private void sendChunk(Tracked u, Random r) throws Exception {
    List<Integer> missing = new ArrayList<>();
    for (int i = 0; i < u.totalChunks; i++) {
      if (!u.ackedChunks.contains(i)) {
        missing.add(i);
      }
    }
    if (missing.isEmpty()) {
      HttpResponse<String> done = post("/api/storage/complete-chunked-upload", "application/json",
          HttpRequest.BodyPublishers.ofString("{\"uploadId\":\"" + u.id + "\"}"));
      if (done.statusCode() == 200) {
        u.completeAcked = true;
      }
      return;
    }
    int index = missing.get(r.nextInt(missing.size()));
    int from = index * u.chunkSize();
    byte[] chunk = Arrays.copyOfRange(u.bytes(), from, Math.min(u.length, from + u.chunkSize()));
    String boundary = "soak" + Long.toHexString(r.nextLong());
    byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"uploadId\"\r\n\r\n" + u.id + "\r\n"
        + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"chunkIndex\"\r\n\r\n" + index + "\r\n"
        + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"chunk\"; filename=\"c\"\r\n"
        + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> stored = post("/api/storage/upload-chunk", "multipart/form-data; boundary=" + boundary,
        HttpRequest.BodyPublishers.ofByteArrays(List.of(head, chunk, tail)));
    if (stored.statusCode() == 200) {
      u.ackedChunks.add(index);
    }
  }

  /** After the last kill: every upload still open is finished, then checked byte-exact. */
  private void finishAll() throws Exception {
    Random r = new Random(1);
    for (Tracked u : uploads) {
      for (int attempt = 0; attempt < 200 && !u.failed && !u.completeAcked; attempt++) {
        if (u.chunked) {
          sendChunk(u, r);
        } else {
          patch(u, r);
        }
      }
    }
  }

  private HttpRequest.Builder tus(String id, String method) {
    return tus(id, method, HttpRequest.BodyPublishers.noBody());
  }

  private HttpRequest.Builder tus(String id, String method, HttpRequest.BodyPublisher body) {
    return HttpRequest.newBuilder(base.resolve("/files/" + id)).header("Tus-Resumable", "1.0.0").method(method, body)
        .timeout(Duration.ofSeconds(60));
  }

  private HttpResponse<String> post(String path, String contentType, HttpRequest.BodyPublisher body) throws Exception {
    return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", contentType).POST(body)
        .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest get(String path) {
    return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60)).build();
  }

  private static <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    return HTTP.send(request, handler);
  }

  private static String group(Pattern pattern, String text, String otherwise) {
    Matcher m = pattern.matcher(text);
    return m.find() ? m.group(1) : otherwise;
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
