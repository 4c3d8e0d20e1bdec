import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Benchmark client for a running Xeadline Uploads server (started by scripts/bench/run).
 *
 *   java TusBench.java throughput BASE_URL SIZE PATCH ROUNDS
 *   java TusBench.java concurrent BASE_URL UPLOADS EACH PATCH
 *   java TusBench.java one BASE_URL SIZE PATCH
 *
 * throughput: per round, the same bytes in the same PATCH size three ways: to the discard ceiling
 * (PATCH /bench/discard: received and dropped), to the disk ceiling (/bench/discard?sink=disk:
 * received and written to a file, no tus, no SQL) and as a real tus upload; prints MiB/s of each
 * and the ratios tus/discard (the target) and tus/disk.
 * concurrent: UPLOADS uploads of EACH bytes at once; prints aggregate MiB/s.
 * one: a single tus upload of SIZE in PATCH-sized requests, no warm-up (scripts/bench/in-progress
 * counts the storage requests it causes); prints MiB/s, and the last PATCH's time (completion).
 * The body is one random buffer generated once, so the client does not limit the figures.
 */
public class TusBench {
  private static final double MIB = 1024 * 1024;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

  public static void main(String[] args) throws Exception {
    URI base = URI.create(args[1]);
    switch (args[0]) {
      case "throughput" -> throughput(base, Long.parseLong(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
      case "concurrent" -> concurrent(base, Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
      case "one" -> one(base, Long.parseLong(args[2]), Integer.parseInt(args[3]));
      default -> throw new IllegalArgumentException("throughput or concurrent");
    }
  }

  static void throughput(URI base, long size, int patch, int rounds) throws Exception {
    byte[] body = randomBytes(patch);
    List<Double> discard = new ArrayList<>();
    List<Double> disk = new ArrayList<>();
    List<Double> tus = new ArrayList<>();
    upload(base, 64L * 1024 * 1024, body); // warm-up of both paths (JIT, connections)
    sendAll(base.resolve("/bench/discard"), 64L * 1024 * 1024, body, null);
    for (int round = 1; round <= rounds; round++) {
      long start = System.nanoTime();
      sendAll(base.resolve("/bench/discard"), size, body, null);
      double d = size / MIB / seconds(start);
      start = System.nanoTime();
      sendAll(base.resolve("/bench/discard?sink=disk"), size, body, null);
      double k = size / MIB / seconds(start);
      start = System.nanoTime();
      upload(base, size, body);
      double t = size / MIB / seconds(start);
      discard.add(d);
      disk.add(k);
      tus.add(t);
      System.out.printf(
          "round %d: discard %.1f MiB/s, disk %.1f MiB/s, tus %.1f MiB/s, tus/discard %.3f, tus/disk %.3f%n",
          round, d, k, t, t / d, t / k);
    }
    System.out.printf(
        "RESULT throughput discard_median=%.1f disk_median=%.1f tus_median=%.1f tus_best=%.1f"
            + " tus/discard=%.3f tus/disk=%.3f (ratios of medians)%n",
        median(discard), median(disk), median(tus), max(tus),
        median(tus) / median(discard), median(tus) / median(disk));
  }

  static void concurrent(URI base, int uploads, int each, int patch) throws Exception {
    byte[] body = randomBytes(Math.min(each, patch));
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      long start = System.nanoTime();
      List<Future<?>> all = new ArrayList<>();
      for (int i = 0; i < uploads; i++) {
        all.add(pool.submit(() -> { upload(base, each, body); return null; }));
      }
      for (Future<?> f : all) {
        f.get();
      }
      double s = seconds(start);
      System.out.printf("RESULT concurrent uploads=%d each_mib=%.0f seconds=%.2f aggregate=%.1f MiB/s%n",
          uploads, each / MIB, s, (double) uploads * each / MIB / s);
    }
  }

  static void one(URI base, long size, int patch) throws Exception {
    byte[] body = randomBytes(patch);
    long start = System.nanoTime();
    upload(base, size, body);
    double s = seconds(start);
    System.out.printf("RESULT one size_mib=%.0f patch_mib=%.0f seconds=%.2f throughput=%.1f MiB/s last_patch_ms=%d%n",
        size / MIB, patch / MIB, s, size / MIB / s, lastPatchNanos / 1_000_000);
  }

  /** How long the most recent PATCH took (for one upload: the last one, which completes it). */
  static volatile long lastPatchNanos;

  /** POST /files/ then PATCH the whole size in body-sized requests; checks every offset. */
  static void upload(URI base, long size, byte[] body) throws Exception {
    HttpResponse<String> created = HTTP.send(
        HttpRequest.newBuilder(base.resolve("/files/"))
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Length", Long.toString(size))
            .POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    if (created.statusCode() != 201) {
      throw new IllegalStateException("create: " + created.statusCode() + " " + created.body());
    }
    URI location = URI.create(created.headers().firstValue("Location").orElseThrow());
    sendAll(location, size, body, location);
  }

  static void sendAll(URI target, long size, byte[] body, URI tusUpload) throws Exception {
    long offset = 0;
    while (offset < size) {
      int n = (int) Math.min(body.length, size - offset);
      HttpRequest.Builder request = HttpRequest.newBuilder(target)
          .header("Tus-Resumable", "1.0.0")
          .header("Upload-Offset", Long.toString(offset))
          .header("Content-Type", "application/offset+octet-stream")
          .method("PATCH", n == body.length
              ? HttpRequest.BodyPublishers.ofByteArray(body)
              : HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOf(body, n)));
      long sent = System.nanoTime();
      HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      lastPatchNanos = System.nanoTime() - sent;
      if (response.statusCode() != 204) {
        throw new IllegalStateException("PATCH " + target + " at " + offset + ": " + response.statusCode() + " " + response.body());
      }
      long reported = Long.parseLong(response.headers().firstValue("Upload-Offset").orElse("-1"));
      offset += n;
      if (tusUpload != null && reported != offset) {
        throw new IllegalStateException("server reports offset " + reported + ", expected " + offset);
      }
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

  static double max(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
  }

  static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  }
}
