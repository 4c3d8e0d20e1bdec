import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark client, run by scripts/bench/run against our server and against the peer
 * (@tus/server) alike; every phase prints one {@code RESULT key=value ...} line that the script
 * turns into the table. PID is the server's process, whose VmRSS is sampled every 100 ms.
 *
 *   cold RUNS SETTLE_S CMD...        start CMD ({port}, {data} replaced) RUNS times: ms to the first
 *                                    answered OPTIONS /files/, then to the first 201 on POST /files/
 *                                    (anonymous: the server must allow it), and VmRSS SETTLE_S later
 *   slow BASE PID UPLOADS SECONDS BPS   UPLOADS uploads at once, each dripping BPS bytes/s for SECONDS
 *   concurrent BASE PID UPLOADS EACH PATCH ROUNDS
 *   one BASE PID SIZE [PATH]         one PATCH of SIZE: a tus upload (deleted after, untimed), or a plain PATCH to PATH
 *   patches BASE PID SIZE PATCH      one tus upload of SIZE in PATCH-sized requests (scripts/bench/in-progress)
 *   legacy BASE PID TOTAL CHUNK PARALLEL   the JSON API's chunked upload vs a tus upload of TOTAL
 */
public class TusBench {
  private static final double MIB = 1024 * 1024;
  private static final Map<String, String> TUS = Map.of("Tus-Resumable", "1.0.0");
  private static final byte[] BUFFER = randomBytes(1 << 20);

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "cold" -> cold(Integer.parseInt(args[1]), Integer.parseInt(args[2]), List.of(args).subList(3, args.length));
      case "slow" -> slow(URI.create(args[1]), Long.parseLong(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]));
      case "concurrent" -> concurrent(URI.create(args[1]), Long.parseLong(args[2]), Integer.parseInt(args[3]),
          Long.parseLong(args[4]), Integer.parseInt(args[5]), Integer.parseInt(args[6]));
      case "one" -> one(URI.create(args[1]), Long.parseLong(args[2]), Long.parseLong(args[3]), args.length > 4 ? args[4] : null);
      case "patches" -> patches(URI.create(args[1]), Long.parseLong(args[2]), Long.parseLong(args[3]), Long.parseLong(args[4]));
      case "legacy" -> legacy(URI.create(args[1]), Long.parseLong(args[2]), Long.parseLong(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]));
      default -> throw new IllegalArgumentException("cold, slow, concurrent, one or legacy");
    }
  }

  // ---- cold start and idle memory ----

  static void cold(int runs, int settleSeconds, List<String> template) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
    List<Double> millis = new ArrayList<>();
    List<Double> created = new ArrayList<>();
    List<Double> rss = new ArrayList<>();
    for (int run = 0; run <= runs; run++) { // run 0 is untimed: disk cache, scripts/run's AOT training
      Path data = Files.createTempDirectory("bench-cold");
      int port = freePort();
      List<String> command = template.stream()
          .map(a -> a.replace("{port}", Integer.toString(port)).replace("{data}", data.toString())).toList();
      long start = System.nanoTime();
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(data.resolve("server.log").toFile()).start();
      try {
        HttpRequest options = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/files/"))
            .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(5)).build();
        while (true) {
          if (!process.isAlive() || System.nanoTime() - start > 300e9) {
            throw new IllegalStateException("server did not answer: " + Files.readString(data.resolve("server.log")));
          }
          try {
            if (http.send(options, HttpResponse.BodyHandlers.discarding()).headers().firstValue("Tus-Version").isPresent()) {
              break;
            }
          } catch (IOException notYet) {
            // not listening yet
          }
          Thread.sleep(5);
        }
        double answered = (System.nanoTime() - start) / 1e6;
        firstCreation(http, port, process, start);
        if (run > 0) {
          millis.add(answered);
          created.add((System.nanoTime() - start) / 1e6);
          Thread.sleep(settleSeconds * 1000L);
          rss.add(rssKib(process.pid()) / 1024.0);
        }
      } finally {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
        deleteTree(data);
      }
    }
    System.out.printf("# cold start ms: %s; to the first 201: %s; idle RSS MiB: %s%n", millis, created, rss);
    System.out.printf("RESULT cold_ms=%.0f cold_create_ms=%.0f idle_rss_mib=%.0f%n", median(millis), median(created), median(rss));
  }

  /** POST /files/ (Upload-Length: 1) until one is answered 201; a server still starting may answer 503. */
  private static void firstCreation(HttpClient http, int port, Process process, long start) throws Exception {
    HttpRequest post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/files/"))
        .header("Tus-Resumable", "1.0.0").header("Upload-Length", "1")
        .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(60)).build();
    while (true) {
      if (!process.isAlive() || System.nanoTime() - start > 300e9) {
        throw new IllegalStateException("server never created an upload");
      }
      int status = http.send(post, HttpResponse.BodyHandlers.discarding()).statusCode();
      if (status == 201) {
        return;
      }
      if (status != 503) {
        throw new IllegalStateException("POST /files/ answered " + status);
      }
      Thread.sleep(5);
    }
  }

  // ---- many slow uploads ----

  static void slow(URI base, long pid, int uploads, int seconds, int bytesPerSecond) throws Exception {
    Peak peak = Peak.of(pid);
    AtomicInteger failed = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    AtomicLong firstError = new AtomicLong();
    Queue<String> errors = new ConcurrentLinkedQueue<>();
    long size = (long) seconds * bytesPerSecond;
    String probe;
    try (Raw raw = new Raw(base)) {
      probe = create(raw, size);
    }
    Queue<Double> headMillis = new ConcurrentLinkedQueue<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> all = new ArrayList<>();
      for (int i = 0; i < uploads; i++) {
        all.add(pool.submit(() -> {
          try (Raw raw = new Raw(base)) {
            String path = create(raw, size);
            Raw.Response r = raw.send("PATCH", path, patchHeaders(0), size, Raw.repeating(new byte[4096], size, bytesPerSecond));
            if (r.status() != 204) {
              throw new IOException("PATCH " + r.status() + " " + r.body());
            }
            done.incrementAndGet();
          } catch (Exception e) {
            if (failed.getAndIncrement() < 3) {
              errors.add(String.valueOf(e));
            }
            firstError.compareAndSet(0, System.nanoTime());
          }
          return null;
        }));
      }
      // HEAD on another upload meanwhile, 20 a second on a connection of its own.
      Future<?> heads = pool.submit(() -> {
        try (Raw raw = new Raw(base)) {
          while (done.get() + failed.get() < uploads) {
            long t = System.nanoTime();
            raw.send("HEAD", probe, TUS, -1, null);
            headMillis.add((System.nanoTime() - t) / 1e6);
            Thread.sleep(50);
          }
        }
        return null;
      });
      for (Future<?> f : all) {
        f.get();
      }
      heads.get();
    }
    errors.forEach(e -> System.out.println("# slow: " + e));
    System.out.printf("RESULT slow_failed=%d slow_head_p99_ms=%.1f slow_peak_rss_mib=%.0f%n",
        failed.get(), percentile(new ArrayList<>(headMillis), 0.99), peak.stopMib());
  }

  // ---- many uploads at full speed ----

  static void concurrent(URI base, long pid, int uploads, long each, long patch, int rounds) throws Exception {
    Peak peak = Peak.of(pid);
    AtomicInteger errors = new AtomicInteger();
    Queue<Double> patchMillis = new ConcurrentLinkedQueue<>();
    Queue<String> messages = new ConcurrentLinkedQueue<>();
    List<Double> aggregate = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      long start = System.nanoTime();
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int i = 0; i < uploads; i++) {
          pool.submit(() -> {
            try (Raw raw = new Raw(base)) {
              String path = create(raw, each);
              for (long offset = 0; offset < each; offset += patch) {
                long n = Math.min(patch, each - offset);
                long t = System.nanoTime();
                Raw.Response r = raw.send("PATCH", path, patchHeaders(offset), n, Raw.repeating(BUFFER, n, 0));
                patchMillis.add((System.nanoTime() - t) / 1e6);
                if (r.status() != 204) {
                  throw new IOException("PATCH " + r.status() + " " + r.body());
                }
              }
            } catch (Exception e) {
              errors.incrementAndGet();
              if (messages.size() < 3) {
                messages.add(String.valueOf(e));
              }
            }
          });
        }
      }
      aggregate.add(uploads * each / MIB / seconds(start));
    }
    messages.forEach(e -> System.out.println("# concurrent: " + e));
    System.out.printf("# concurrent MiB/s per round: %s%n", aggregate);
    System.out.printf("RESULT conc_errors=%d conc_mibs=%.1f conc_patch_p99_ms=%.0f conc_peak_rss_mib=%.0f%n",
        errors.get(), median(aggregate), percentile(new ArrayList<>(patchMillis), 0.99), peak.stopMib());
  }

  // ---- one large PATCH ----

  static void one(URI base, long pid, long size, String plainPath) throws Exception {
    Peak peak = Peak.of(pid);
    try (Raw raw = new Raw(base)) {
      String path = plainPath != null ? plainPath : create(raw, size);
      long start = System.nanoTime();
      Raw.Response r = raw.send("PATCH", path, patchHeaders(0), size, Raw.repeating(BUFFER, size, 0));
      double mibs = size / MIB / seconds(start);
      if (r.status() != 204) {
        throw new IOException("PATCH " + r.status() + " " + r.body());
      }
      System.out.printf("RESULT one_mibs=%.1f one_peak_rss_mib=%.0f%n", mibs, peak.stopMib());
      if (plainPath == null) {
        // Untimed: the phase runs several of these, and each would otherwise keep its GiB on disk.
        raw.send("DELETE", path, Map.of("Tus-Resumable", "1.0.0"), 0, null);
      }
    }
  }

  // ---- one upload in many PATCHes (the last one completes it: publishing included) ----

  static void patches(URI base, long pid, long size, long patch) throws Exception {
    Peak peak = Peak.of(pid);
    try (Raw raw = new Raw(base)) {
      String path = create(raw, size);
      long start = System.nanoTime();
      long lastNanos = 0;
      for (long offset = 0; offset < size; offset += patch) {
        long n = Math.min(patch, size - offset);
        long t = System.nanoTime();
        Raw.Response r = raw.send("PATCH", path, patchHeaders(offset), n, Raw.repeating(BUFFER, n, 0));
        lastNanos = System.nanoTime() - t;
        if (r.status() != 204) {
          throw new IOException("PATCH at " + offset + ": " + r.status() + " " + r.body());
        }
      }
      System.out.printf("RESULT patches_mibs=%.1f patches_seconds=%.1f last_patch_ms=%d patches_peak_rss_mib=%.0f%n",
          size / MIB / seconds(start), seconds(start), lastNanos / 1_000_000, peak.stopMib());
    }
  }

  // ---- the JSON API's chunked upload against tus ----

  /**
   * Untimed first, both ways, 4 chunks' worth each: then neither the JSON API's code (Jersey, the
   * multipart parser, its SQL) nor the tus code runs for the first time in the timed uploads, in
   * this client or in the server, and the figures compare the two paths rather than which one
   * happened to run first (the first use of a path costs its class loading and JIT compiling).
   */
  static void legacy(URI base, long pid, long total, long chunk, int parallel) throws Exception {
    long warm = Math.min(total, parallel * chunk);
    legacyUpload(base, warm, chunk, parallel);
    tusUpload(base, warm, chunk);
    double legacy = total / MIB / legacyUpload(base, total, chunk, parallel);
    double tus = total / MIB / tusUpload(base, total, chunk);
    System.out.printf("RESULT legacy_mibs=%.1f legacy_tus_mibs=%.1f%n", legacy, tus);
  }

  /** init-chunked-upload, the chunks {@code parallel} at a time, complete-chunked-upload: seconds. */
  static double legacyUpload(URI base, long total, long chunk, int parallel) throws Exception {
    int chunks = (int) ((total + chunk - 1) / chunk);
    long start = System.nanoTime();
    String id;
    try (Raw raw = new Raw(base)) {
      String init = "{\"fileName\":\"bench.mp4\",\"fileSize\":" + total + ",\"contentType\":\"video/mp4\",\"totalChunks\":" + chunks + "}";
      id = json(raw, "/api/storage/init-chunked-upload", init).replaceAll("(?s).*\"uploadId\"\\s*:\\s*\"([^\"]+)\".*", "$1");
    }
    AtomicInteger next = new AtomicInteger();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < parallel; w++) {
        workers.add(pool.submit(() -> {
          try (Raw raw = new Raw(base)) {
            for (int i; (i = next.getAndIncrement()) < chunks; ) {
              uploadChunk(raw, id, i, Math.min(chunk, total - i * chunk));
            }
          }
          return null;
        }));
      }
      for (Future<?> f : workers) {
        f.get();
      }
    }
    try (Raw raw = new Raw(base)) {
      json(raw, "/api/storage/complete-chunked-upload", "{\"uploadId\":\"" + id + "\"}");
    }
    return seconds(start);
  }

  /** One tus upload of {@code total} bytes in {@code chunk}-sized PATCHes: seconds. */
  static double tusUpload(URI base, long total, long chunk) throws Exception {
    long start = System.nanoTime();
    try (Raw raw = new Raw(base)) {
      String path = create(raw, total);
      for (long offset = 0; offset < total; offset += chunk) {
        long n = Math.min(chunk, total - offset);
        Raw.Response r = raw.send("PATCH", path, patchHeaders(offset), n, Raw.repeating(BUFFER, n, 0));
        if (r.status() != 204) {
          throw new IOException("PATCH " + r.status() + " " + r.body());
        }
      }
    }
    return seconds(start);
  }

  static void uploadChunk(Raw raw, String id, int index, long n) throws Exception {
    String boundary = "bench" + Long.toHexString(System.nanoTime());
    String fields = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"uploadId\"\r\n\r\n" + id + "\r\n"
        + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"chunkIndex\"\r\n\r\n" + index + "\r\n"
        + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"chunk\"; filename=\"blob\"\r\n"
        + "Content-Type: application/octet-stream\r\n\r\n";
    String end = "\r\n--" + boundary + "--\r\n";
    byte[] head = fields.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    byte[] tail = end.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    Raw.Response r = raw.send("POST", "/api/storage/upload-chunk",
        Map.of("Content-Type", "multipart/form-data; boundary=" + boundary), head.length + n + tail.length, out -> {
          out.write(head);
          Raw.repeating(BUFFER, n, 0).writeTo(out);
          out.write(tail);
        });
    if (r.status() != 200) {
      throw new IOException("upload-chunk " + index + ": " + r.status() + " " + r.body());
    }
  }

  static String json(Raw raw, String path, String body) throws Exception {
    byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Raw.Response r = raw.send("POST", path, Map.of("Content-Type", "application/json"), bytes.length, out -> out.write(bytes));
    if (r.status() != 200) {
      throw new IOException(path + ": " + r.status() + " " + r.body());
    }
    return r.body();
  }

  // ---- shared ----

  static String create(Raw raw, long length) throws Exception {
    Raw.Response r = raw.send("POST", "/files/", Map.of("Tus-Resumable", "1.0.0", "Upload-Length", Long.toString(length)), 0, null);
    if (r.status() != 201) {
      throw new IOException("POST " + r.status() + " " + r.body());
    }
    return URI.create(r.header("Location")).getPath();
  }

  static Map<String, String> patchHeaders(long offset) {
    return Map.of("Tus-Resumable", "1.0.0", "Upload-Offset", Long.toString(offset),
        "Content-Type", "application/offset+octet-stream");
  }

  /** Peak VmRSS of a process, sampled every 100 ms until stopped. */
  static final class Peak {
    private final AtomicLong kib = new AtomicLong();
    private final Thread sampler;

    private Peak(long pid) {
      sampler = Thread.ofPlatform().daemon().start(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          kib.accumulateAndGet(rssKib(pid), Math::max);
          try {
            Thread.sleep(100);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
    }

    static Peak of(long pid) {
      return new Peak(pid);
    }

    double stopMib() {
      sampler.interrupt();
      return kib.get() / 1024.0;
    }
  }

  static long rssKib(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
    } catch (IOException gone) {
      // the process ended
    }
    return 0;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    new Random(42).nextBytes(bytes);
    return bytes;
  }

  static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  static double percentile(List<Double> values, double p) {
    if (values.isEmpty()) {
      return 0;
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  }
}
