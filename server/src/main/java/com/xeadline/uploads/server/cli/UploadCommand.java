package com.xeadline.uploads.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.xeadline.uploads.config.ConfigValues;
import com.xeadline.uploads.server.storage.FileRanges;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code upload FILE --endpoint URL [--token T] [--parallel N] [--chunk-size S] [--state-dir D]}:
 * a resumable tus client; with {@code --parallel N} the file goes up as N partial uploads at once,
 * joined by a final concatenation. The upload's URL is kept in a state file named by a fingerprint of the file, so running
 * the same command again after Ctrl-C or a dropped connection continues where the server says the
 * upload stands. Transient failures are retried with backoff; refusals end with a message and a
 * non-zero exit.
 */
public final class UploadCommand {
  private static final int MAX_ATTEMPTS = 6;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
  private final PrintStream out;
  private final PrintStream err;

  public UploadCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Thrown for a refusal that retrying cannot fix; its message is shown to the user. */
  static final class Refused extends Exception {
    Refused(String message) {
      super(message);
    }
  }

  public int run(List<String> args) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println("Usage: java -jar xeadline-uploads.jar upload FILE --endpoint URL [--token T] [--parallel N] [--chunk-size 8MiB] [--state-dir DIR]");
      return 2;
    }
    try {
      URI location = upload(options);
      out.println("Uploaded " + options.file().getFileName() + " to " + location);
      return 0;
    } catch (Refused e) {
      err.println("Upload refused: " + e.getMessage());
      return 1;
    } catch (IOException e) {
      err.println("Upload failed: " + e.getMessage() + " (run the same command again to resume)");
      return 3;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 130;
    }
  }

  private URI upload(Options options) throws IOException, InterruptedException, Refused {
    Path file = options.file();
    long size = Files.size(file);
    Path state = options.stateDir().resolve(fingerprint(file, options.endpoint()) + ".json");
    int parts = (int) Math.max(1, Math.min(options.parallel(), size));
    List<URI> urls = new ArrayList<>();
    List<Long> offsets = new ArrayList<>();
    if (Files.exists(state)) {
      var saved = JSON.readTree(Files.readString(state)).get("urls");
      for (var url : saved) {
        Long stored = head(URI.create(url.asText()), options);
        if (stored == null) {
          urls.clear(); // a part is gone (expired or removed): start again
          break;
        }
        urls.add(URI.create(url.asText()));
        offsets.add(stored);
      }
      if (!urls.isEmpty()) {
        out.println("Resuming at " + offsets.stream().mapToLong(Long::longValue).sum() + " of " + size + " bytes");
        parts = urls.size();
      }
    }
    long partSize = (size + parts - 1) / parts;
    if (urls.isEmpty()) {
      offsets.clear();
      for (int i = 0; i < parts; i++) {
        long length = Math.max(0, Math.min(partSize, size - i * partSize));
        urls.add(create(file, length, parts > 1 ? "partial" : null, options));
        offsets.add(0L);
      }
      Files.createDirectories(options.stateDir());
      Files.writeString(state, JSON.writeValueAsString(Map.of("urls", urls.stream().map(URI::toString).toList(), "file", file.toString())));
    }
    sendParts(urls, offsets, file, size, parts, partSize, options);
    URI location = parts == 1 ? urls.get(0) : concatenate(urls, options);
    Files.deleteIfExists(state);
    return location;
  }

  /** Sends every part at once, each from its stored offset; the first failure ends the upload. */
  private void sendParts(List<URI> urls, List<Long> offsets, Path file, long size, int parts, long partSize, Options options)
      throws IOException, InterruptedException, Refused {
    Progress progress = new Progress(size, offsets.stream().mapToLong(Long::longValue).sum(), System.console() != null, out);
    long[] sent = offsets.stream().mapToLong(Long::longValue).toArray();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Void>> running = new ArrayList<>();
      for (int i = 0; i < parts; i++) {
        int part = i;
        long start = part * partSize;
        long length = Math.max(0, Math.min(partSize, size - start));
        running.add(pool.submit(() -> {
          sendRange(urls.get(part), file, start, length, offsets.get(part), options, done -> {
            synchronized (sent) {
              sent[part] = done;
              progress.update(java.util.Arrays.stream(sent).sum());
            }
          });
          return null;
        }));
      }
      for (Future<Void> f : running) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof Refused refused) {
            throw refused;
          }
          if (e.getCause() instanceof IOException io) {
            throw io;
          }
          throw new IOException(e.getCause());
        }
      }
    }
    progress.done();
  }

  /** Sends bytes [start, start+length) of the file to one upload, from its stored offset on. */
  private void sendRange(URI location, Path file, long start, long length, long offset, Options options, java.util.function.LongConsumer progress)
      throws IOException, InterruptedException, Refused {
    int attempt = 0;
    while (offset < length) {
      long chunk = Math.min(options.chunkSize(), length - offset);
      try {
        offset = patch(location, file, start, offset, chunk, options);
        attempt = 0;
        progress.accept(offset);
      } catch (IOException transientFailure) {
        attempt = backOff(attempt, transientFailure.getMessage());
        Long stored = head(location, options);
        if (stored == null) {
          throw new Refused("the upload disappeared from the server");
        }
        offset = stored;
      }
    }
  }

  private URI concatenate(List<URI> parts, Options options) throws IOException, InterruptedException, Refused {
    String list = String.join(" ", parts.stream().map(URI::toString).toList());
    return post(options, Map.of("Upload-Concat", "final;" + list, "Upload-Metadata", metadata(options.file())));
  }

  private int backOff(int attempt, String reason) throws IOException, InterruptedException {
    if (attempt + 1 >= MAX_ATTEMPTS) {
      throw new IOException("giving up after " + MAX_ATTEMPTS + " attempts: " + reason);
    }
    long delay = Math.min(30_000, 500L << attempt);
    err.println("Retrying in " + delay + " ms: " + reason);
    Thread.sleep(delay);
    return attempt + 1;
  }

  private static String metadata(Path file) {
    String name = file.getFileName().toString();
    return "filename " + b64(name) + ",filetype " + b64(mediaType(name));
  }

  private URI create(Path file, long size, String concat, Options options) throws IOException, InterruptedException, Refused {
    Map<String, String> headers = new java.util.LinkedHashMap<>();
    headers.put("Upload-Length", Long.toString(size));
    headers.put("Upload-Metadata", metadata(file));
    if (concat != null) {
      headers.put("Upload-Concat", concat);
    }
    return post(options, headers);
  }

  /** A creation POST with these headers, retried like every request; answers the Location. */
  private URI post(Options options, Map<String, String> headers) throws IOException, InterruptedException, Refused {
    for (int attempt = 0; ; ) {
      HttpResponse<String> created;
      try {
        HttpRequest.Builder request = tus(options.endpoint(), options);
        headers.forEach(request::header);
        created = send(request.POST(HttpRequest.BodyPublishers.noBody()), options);
      } catch (IOException e) {
        attempt = backOff(attempt, e.getMessage());
        continue;
      }
      if (created.statusCode() == 201) {
        return options.endpoint().resolve(created.headers().firstValue("Location").orElseThrow(() -> new IOException("no Location")));
      }
      attempt = retryOrRefuse(created, attempt);
    }
  }

  private Long head(URI location, Options options) throws IOException, InterruptedException, Refused {
    for (int attempt = 0; ; ) {
      HttpResponse<String> head;
      try {
        head = send(tus(location, options).method("HEAD", HttpRequest.BodyPublishers.noBody()), options);
      } catch (IOException e) {
        attempt = backOff(attempt, e.getMessage());
        continue;
      }
      if (head.statusCode() == 404 || head.statusCode() == 410) {
        return null;
      }
      if (head.statusCode() / 100 == 2) {
        return Long.parseLong(head.headers().firstValue("Upload-Offset").orElse("0"));
      }
      attempt = retryOrRefuse(head, attempt);
    }
  }

  /** One PATCH of {@code length} bytes from {@code offset}; the file is streamed, not loaded. */
  private long patch(URI location, Path file, long base, long offset, long length, Options options)
      throws IOException, InterruptedException, Refused {
    HttpRequest.BodyPublisher body =
        HttpRequest.BodyPublishers.fromPublisher(
            HttpRequest.BodyPublishers.ofInputStream(() -> slice(file, base + offset, length)), length);
    HttpResponse<String> patched =
        send(tus(location, options).header("Upload-Offset", Long.toString(offset))
            .header("Content-Type", "application/offset+octet-stream").method("PATCH", body), options);
    if (patched.statusCode() == 204) {
      return Long.parseLong(patched.headers().firstValue("Upload-Offset").orElseThrow(() -> new IOException("no Upload-Offset")));
    }
    retryOrRefuse(patched, 0);
    throw new IOException("the server answered " + patched.statusCode() + ": " + patched.body().strip());
  }

  /** 409/423/429/5xx are worth another try (after a HEAD); any other refusal ends the upload. */
  private int retryOrRefuse(HttpResponse<String> response, int attempt) throws Refused, IOException, InterruptedException {
    int status = response.statusCode();
    if (status == 409 || status == 423 || status == 429 || status >= 500) {
      long wait = response.headers().firstValue("Retry-After").map(Long::parseLong).orElse(0L);
      if (wait > 0) {
        Thread.sleep(Math.min(wait, 60) * 1000);
      }
      return backOff(attempt, "the server answered " + status);
    }
    String reason = switch (status) {
      case 401 -> "not authorised (401): pass a valid --token";
      case 403 -> "forbidden (403)";
      case 413 -> "too large for this server (413)";
      case 415 -> "this file type is not accepted (415)";
      default -> "the server answered " + status;
    };
    String detail = response.body() == null ? "" : response.body().strip();
    throw new Refused(reason + (detail.isEmpty() ? "" : ": " + detail));
  }

  private HttpRequest.Builder tus(URI target, Options options) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(target).timeout(Duration.ofMinutes(10)).header("Tus-Resumable", "1.0.0");
    if (options.token() != null) {
      builder.header("Authorization", "Bearer " + options.token());
    }
    return builder;
  }

  private HttpResponse<String> send(HttpRequest.Builder request, Options options) throws IOException, InterruptedException {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static InputStream slice(Path file, long offset, long length) {
    try {
      return FileRanges.open(file, offset, length);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Size, modification time, endpoint and the first and last MiB: cheap, and stable across runs. */
  public static String fingerprint(Path file, URI endpoint) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      long size = channel.size();
      digest.update((size + "|" + Files.getLastModifiedTime(file).toMillis() + "|" + endpoint).getBytes(StandardCharsets.UTF_8));
      java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(1 << 20);
      for (long position : new long[] {0, Math.max(0, size - buffer.capacity())}) {
        buffer.clear();
        channel.read(buffer, position);
        buffer.flip();
        digest.update(buffer);
      }
      return HexFormat.of().formatHex(digest.digest()).substring(0, 32);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String mediaType(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".mp4") || lower.endsWith(".m4v")) {
      return "video/mp4";
    }
    if (lower.endsWith(".mov")) {
      return "video/quicktime";
    }
    if (lower.endsWith(".webm")) {
      return "video/webm";
    }
    return "application/octet-stream";
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  record Options(Path file, URI endpoint, String token, long chunkSize, Path stateDir, int parallel) {
    static Options parse(List<String> args) {
      Path file = null;
      URI endpoint = null;
      String token = System.getenv("UPLOADS_TOKEN");
      long chunkSize = 8L << 20;
      int parallel = 1;
      Path stateDir = Path.of(System.getProperty("user.home"), ".xeadline-uploads");
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        String value = i + 1 < args.size() ? args.get(i + 1) : null;
        switch (a) {
          case "--endpoint" -> { endpoint = URI.create(need(a, value)); i++; }
          case "--token" -> { token = need(a, value); i++; }
          case "--chunk-size" -> { chunkSize = ConfigValues.parseSize(need(a, value)); i++; }
          case "--state-dir" -> { stateDir = Path.of(need(a, value)); i++; }
          case "--parallel" -> { parallel = Integer.parseInt(need(a, value)); i++; }
          default -> {
            if (a.startsWith("--") || file != null) {
              throw new IllegalArgumentException("unexpected argument " + a);
            }
            file = Path.of(a);
          }
        }
      }
      if (file == null || !Files.isRegularFile(file)) {
        throw new IllegalArgumentException("FILE must name a readable file");
      }
      if (endpoint == null) {
        throw new IllegalArgumentException("--endpoint is required, e.g. http://localhost:1080/files/");
      }
      if (chunkSize < 1) {
        throw new IllegalArgumentException("--chunk-size must be positive");
      }
      if (parallel < 1 || parallel > 16) {
        throw new IllegalArgumentException("--parallel must be from 1 to 16");
      }
      return new Options(file, endpoint, token, chunkSize, stateDir, parallel);
    }

    private static String need(String option, String value) {
      if (value == null) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      return value;
    }
  }
}
