package com.xeadline.uploads.gcs;

import com.google.api.services.storage.model.Bucket;
import com.google.api.services.storage.model.ComposeRequest;
import com.google.api.services.storage.model.Objects;
import com.google.api.services.storage.model.StorageObject;
import com.google.cloud.NoCredentials;
import com.google.cloud.http.HttpTransportOptions;
import com.google.cloud.storage.Storage;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;

/**
 * A GCS JSON API on 127.0.0.1 for the real google-cloud-storage client: bucket get, object insert
 * (media, multipart, resumable with 308 and Range), get/stat, ranged media download, compose,
 * metadata update (PATCH, or POST with X-HTTP-Method-Override), list and delete, with
 * ifGenerationMatch. A resumable PUT that carries no bytes ({@code bytes *}{@code /…}) is a
 * {@code resumable-query}. {@link #faults()} injects 5xx, reset connections and slow answers by route.
 * Every request's route is recorded in order ({@link #routes()}).
 */
public final class FakeGcs implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(8);
  private final FakeGcsObjects objects = new FakeGcsObjects();
  private final FakeGcsUploads uploads;
  private final FakeGcsFaults faults = new FakeGcsFaults();
  private final List<String> routes = Collections.synchronizedList(new ArrayList<>());

  private FakeGcs(HttpServer server) {
    this.server = server;
    this.uploads = new FakeGcsUploads(objects, this::host);
    server.createContext("/", this::handle);
    server.setExecutor(threads);
    server.start();
  }

  public static FakeGcs start() throws IOException {
    return start(0);
  }

  /** On {@code port} of 127.0.0.1 (0: any free one). */
  public static FakeGcs start(int port) throws IOException {
    return new FakeGcs(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0));
  }

  /** For {@code StorageOptions.newBuilder().setHost(...)}. */
  public String host() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /**
   * The real client pointed at this fake: no credentials, the provider's retry policy with short
   * delays, and a read timeout short enough that a slow answer makes the client retry.
   */
  public Storage client() {
    return client(Duration.ofMillis(1500));
  }

  public Storage client(Duration readTimeout) {
    return GcsStorageFactory.options(GcsStorageFactory.retries(Duration.ofMillis(20)))
        .setHost(host())
        .setProjectId("test")
        .setCredentials(NoCredentials.getInstance())
        .setTransportOptions(HttpTransportOptions.newBuilder().setReadTimeout((int) readTimeout.toMillis()).setConnectTimeout(1500).build())
        .build()
        .getService();
  }

  public FakeGcsFaults faults() {
    return faults;
  }

  public FakeGcsObjects objects() {
    return objects;
  }

  public List<String> routes() {
    synchronized (routes) {
      return List.copyOf(routes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }

  /** A request as the handlers see it: method after any override, path segments decoded, query. */
  record Call(HttpExchange exchange, String method, List<String> path, Map<String, String> query) {
    String param(String name) {
      return query.get(name);
    }

    Long longParam(String name) {
      String value = query.get(name);
      return value == null ? null : Long.valueOf(value);
    }

    byte[] body() throws IOException {
      InputStream in = exchange.getRequestBody();
      if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
        in = new GZIPInputStream(in);
      }
      return in.readAllBytes();
    }

    <T> T json(Class<T> type) throws IOException {
      byte[] body = body();
      return body.length == 0 ? null : FakeGcsObjects.JSON.fromString(new String(body, StandardCharsets.UTF_8), type);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Call call = parse(exchange);
      String route = route(call);
      routes.add(route);
      Optional<FakeGcsFaults.Fault> fault = faults.next(route);
      if (fault.isPresent() && fault.get().kind() != FakeGcsFaults.Kind.DELAY) {
        inject(call, fault.get());
        return;
      }
      Reply reply = dispatch(route, call);
      if (fault.isPresent()) {
        sleep(fault.get());
      }
      reply.send(exchange);
    } catch (RuntimeException e) {
      Reply.error(500, e.toString()).send(exchange);
    }
  }

  private static Call parse(HttpExchange exchange) {
    String method = exchange.getRequestMethod();
    String override = exchange.getRequestHeaders().getFirst("X-HTTP-Method-Override");
    if (override != null && method.equals("POST")) {
      method = override.toUpperCase();
    }
    List<String> path = new ArrayList<>();
    for (String segment : exchange.getRequestURI().getRawPath().split("/")) {
      if (!segment.isEmpty()) {
        path.add(decode(segment));
      }
    }
    Map<String, String> query = new HashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        query.put(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
      }
    }
    return new Call(exchange, method, path, query);
  }

  private static String decode(String text) {
    return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** Names what a request does; faults and the request log use these names. */
  private static String route(Call call) {
    List<String> p = call.path();
    boolean upload = !p.isEmpty() && p.get(0).equals("upload");
    boolean download = !p.isEmpty() && p.get(0).equals("download");
    int base = upload || download ? 1 : 0;
    if (p.size() < base + 4 || !p.get(base).equals("storage") || !p.get(base + 2).equals("b")) {
      return "unknown";
    }
    if (upload) {
      String type = call.param("uploadType");
      if ("resumable".equals(type)) {
        if (call.param("upload_id") == null) {
          return "resumable-start";
        }
        String range = call.exchange().getRequestHeaders().getFirst("Content-Range");
        return range != null && range.startsWith("bytes */") ? "resumable-query" : "resumable-chunk";
      }
      return "insert-" + type;
    }
    if (p.size() == base + 4) {
      return "bucket";
    }
    if (p.size() == base + 5) {
      return call.method().equals("GET") ? "list" : "unknown";
    }
    if (p.size() == base + 7 && p.get(base + 6).equals("compose")) {
      return "compose";
    }
    return switch (call.method()) {
      case "GET" -> "media".equals(call.param("alt")) ? "media" : "get";
      case "DELETE" -> "delete";
      case "PATCH", "PUT" -> "patch";
      default -> "unknown";
    };
  }

  private Reply dispatch(String route, Call call) throws IOException {
    List<String> p = call.path();
    int base = p.get(0).equals("upload") || p.get(0).equals("download") ? 1 : 0;
    String bucket = p.get(base + 3);
    String name = p.size() > base + 5 ? p.get(base + 5) : null;
    return switch (route) {
      case "bucket" -> Reply.json(200, bucket(bucket));
      case "list" -> list(bucket, call);
      case "get" -> stored(bucket, name, call).map(s -> Reply.json(200, s.meta())).orElseGet(FakeGcs::notFound);
      case "media" -> stored(bucket, name, call).map(s -> FakeGcsMedia.download(s, call)).orElseGet(FakeGcs::notFound);
      case "delete" -> delete(bucket, name, call);
      case "patch" -> objects.patch(bucket, name, call.json(StorageObject.class))
          .<Reply>map(meta -> Reply.json(200, meta)).orElseGet(FakeGcs::notFound);
      case "compose" -> compose(bucket, name, call);
      case "insert-media", "insert-multipart" -> uploads.insert(bucket, call);
      case "resumable-start" -> uploads.start(bucket, call);
      case "resumable-chunk", "resumable-query" -> uploads.chunk(call);
      default -> Reply.error(400, "the fake GCS does not know " + call.method() + " " + call.exchange().getRequestURI());
    };
  }

  private static Bucket bucket(String name) {
    Bucket bucket = new Bucket();
    bucket.setKind("storage#bucket");
    bucket.setName(name);
    bucket.setId(name);
    bucket.setLocation("US");
    bucket.setStorageClass("STANDARD");
    bucket.setMetageneration(1L);
    return bucket;
  }

  private Optional<FakeGcsObjects.Stored> stored(String bucket, String name, Call call) {
    Long generation = call.longParam("generation");
    return objects.get(bucket, name)
        .filter(s -> generation == null || generation.equals(s.meta().getGeneration()));
  }

  private Reply list(String bucket, Call call) {
    List<StorageObject> all = objects.list(bucket, call.param("prefix"));
    int start = call.param("pageToken") == null ? 0 : Integer.parseInt(call.param("pageToken"));
    int size = call.param("maxResults") == null ? 1000 : Integer.parseInt(call.param("maxResults"));
    int end = Math.min(all.size(), start + size);
    Objects page = new Objects();
    page.setKind("storage#objects");
    page.setItems(new ArrayList<>(all.subList(start, end)));
    if (end < all.size()) {
      page.setNextPageToken(Integer.toString(end));
    }
    return Reply.json(200, page);
  }

  private Reply delete(String bucket, String name, Call call) {
    Long match = call.longParam("ifGenerationMatch");
    Optional<FakeGcsObjects.Stored> current = objects.get(bucket, name);
    if (current.isEmpty()) {
      return notFound();
    }
    if (match != null && !match.equals(current.get().meta().getGeneration())) {
      return Reply.error(412, "conditionNotMet");
    }
    objects.delete(bucket, name);
    return Reply.empty(204);
  }

  private Reply compose(String bucket, String name, Call call) throws IOException {
    ComposeRequest request = call.json(ComposeRequest.class);
    if (request.getSourceObjects() == null || request.getSourceObjects().isEmpty() || request.getSourceObjects().size() > 32) {
      return Reply.error(400, "compose takes 1 to 32 source objects");
    }
    List<String> names = new ArrayList<>();
    List<Long> generations = new ArrayList<>();
    for (ComposeRequest.SourceObjects source : request.getSourceObjects()) {
      names.add(source.getName());
      generations.add(source.getGeneration());
    }
    if (!FakeGcsUploads.preconditionHolds(objects, bucket, name, call)) {
      return Reply.error(412, "conditionNotMet");
    }
    Optional<byte[]> joined = objects.concatenate(bucket, names, generations);
    if (joined.isEmpty()) {
      return notFound();
    }
    StorageObject destination = request.getDestination() == null ? new StorageObject() : request.getDestination();
    destination.setName(name);
    return Reply.json(200, objects.put(bucket, destination, joined.get()).meta());
  }

  private static Reply notFound() {
    return Reply.error(404, "No such object");
  }

  private static void inject(Call call, FakeGcsFaults.Fault fault) throws IOException {
    if (fault.kind() == FakeGcsFaults.Kind.RESET) {
      // Take some of the body, as a proxy dying mid-request would, then drop the connection unanswered.
      // Closing an exchange that sent no headers closes its connection.
      call.exchange().getRequestBody().readNBytes(64 * 1024);
      return;
    }
    call.exchange().getRequestBody().readAllBytes();
    Reply.error(fault.status(), "injected fault").send(call.exchange());
  }

  private static void sleep(FakeGcsFaults.Fault fault) {
    try {
      Thread.sleep(fault.delay().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** An answer: status, headers and body. */
  record Reply(int status, Map<String, String> headers, byte[] body) {
    static Reply json(int status, Object model) {
      try {
        byte[] body = FakeGcsObjects.JSON.toString(model).getBytes(StandardCharsets.UTF_8);
        return new Reply(status, Map.of("Content-Type", "application/json; charset=UTF-8"), body);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    static Reply error(int status, String message) {
      String body = "{\"error\":{\"code\":" + status + ",\"message\":\"" + message.replace("\"", "'")
          + "\",\"errors\":[{\"reason\":\"" + (status == 412 ? "conditionNotMet" : "fake") + "\",\"message\":\""
          + message.replace("\"", "'") + "\"}]}}";
      return new Reply(status, Map.of("Content-Type", "application/json; charset=UTF-8"), body.getBytes(StandardCharsets.UTF_8));
    }

    static Reply empty(int status) {
      return new Reply(status, Map.of(), new byte[0]);
    }

    void send(HttpExchange exchange) throws IOException {
      headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
      exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }
}
