package com.xeadline.uploads.gcs;

import com.google.api.services.storage.model.StorageObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Object inserts of the fake GCS: {@code uploadType=media}, {@code multipart}, and resumable
 * sessions (start answers a Location; each PUT answers 308 with the persisted {@code Range}, or
 * 200 with the object once the declared total has arrived; {@code bytes *}{@code /*} queries).
 */
final class FakeGcsUploads {
  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\*|(\\d+)-(\\d+))/(\\*|\\d+)");

  private static final class Session {
    final String bucket;
    final StorageObject info;
    final Long ifGenerationMatch;
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StorageObject done;

    Session(String bucket, StorageObject info, Long ifGenerationMatch) {
      this.bucket = bucket;
      this.info = info;
      this.ifGenerationMatch = ifGenerationMatch;
    }
  }

  private final FakeGcsObjects objects;
  private final Supplier<String> host;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();

  FakeGcsUploads(FakeGcsObjects objects, Supplier<String> host) {
    this.objects = objects;
    this.host = host;
  }

  /** ifGenerationMatch / ifGenerationNotMatch as GCS checks them (0 means "must not exist"). */
  static boolean preconditionHolds(FakeGcsObjects objects, String bucket, String name, FakeGcs.Call call) {
    return holds(objects, bucket, name, call.longParam("ifGenerationMatch"));
  }

  private static boolean holds(FakeGcsObjects objects, String bucket, String name, Long match) {
    if (match == null) {
      return true;
    }
    long current = objects.get(bucket, name).map(s -> s.meta().getGeneration()).orElse(0L);
    return current == match;
  }

  FakeGcs.Reply insert(String bucket, FakeGcs.Call call) throws IOException {
    byte[] body = call.body();
    StorageObject info;
    byte[] media;
    if ("multipart".equals(call.param("uploadType"))) {
      String type = call.exchange().getRequestHeaders().getFirst("Content-Type");
      byte[][] parts = multipart(body, boundary(type));
      info = FakeGcsObjects.JSON.fromString(new String(parts[0], StandardCharsets.UTF_8), StorageObject.class);
      media = parts[1];
    } else {
      info = new StorageObject().setName(call.param("name"))
          .setContentType(call.exchange().getRequestHeaders().getFirst("Content-Type"));
      media = body;
    }
    if (info.getName() == null) {
      info.setName(call.param("name"));
    }
    if (!preconditionHolds(objects, bucket, info.getName(), call)) {
      return FakeGcs.Reply.error(412, "conditionNotMet");
    }
    return FakeGcs.Reply.json(200, objects.put(bucket, info, media).meta());
  }

  FakeGcs.Reply start(String bucket, FakeGcs.Call call) throws IOException {
    StorageObject info = call.json(StorageObject.class);
    if (info == null) {
      info = new StorageObject();
    }
    if (info.getName() == null) {
      info.setName(call.param("name"));
    }
    String id = UUID.randomUUID().toString();
    sessions.put(id, new Session(bucket, info, call.longParam("ifGenerationMatch")));
    String location = host.get() + "/upload/storage/v1/b/" + bucket + "/o?uploadType=resumable&upload_id=" + id;
    return new FakeGcs.Reply(200, Map.of("Location", location), new byte[0]);
  }

  FakeGcs.Reply chunk(FakeGcs.Call call) throws IOException {
    Session session = sessions.get(call.param("upload_id"));
    if (session == null) {
      return FakeGcs.Reply.error(404, "No such upload session");
    }
    byte[] body = call.body();
    String header = call.exchange().getRequestHeaders().getFirst("Content-Range");
    Matcher m = CONTENT_RANGE.matcher(header == null ? "" : header.trim());
    if (!m.matches()) {
      return FakeGcs.Reply.error(400, "bad Content-Range " + header);
    }
    synchronized (session) {
      if (session.done != null) {
        return FakeGcs.Reply.json(200, session.done);
      }
      if (m.group(2) != null) {
        long first = Long.parseLong(m.group(2));
        long persisted = session.bytes.size();
        if (first > persisted) {
          return FakeGcs.Reply.error(400, "chunk starts at " + first + " but " + persisted + " bytes are persisted");
        }
        // A retried chunk may repeat bytes GCS already has: those are skipped, as GCS does.
        int skip = (int) (persisted - first);
        if (skip < body.length) {
          session.bytes.write(body, skip, body.length - skip);
        }
      }
      Optional<Long> total = m.group(4).equals("*") ? Optional.empty() : Optional.of(Long.parseLong(m.group(4)));
      if (total.isPresent() && session.bytes.size() == total.get()) {
        return finish(session);
      }
      return incomplete(session.bytes.size());
    }
  }

  private FakeGcs.Reply finish(Session session) {
    if (!holds(objects, session.bucket, session.info.getName(), session.ifGenerationMatch)) {
      return FakeGcs.Reply.error(412, "conditionNotMet");
    }
    session.done = objects.put(session.bucket, session.info, session.bytes.toByteArray()).meta();
    return FakeGcs.Reply.json(200, session.done);
  }

  private static FakeGcs.Reply incomplete(long persisted) {
    Map<String, String> headers = persisted == 0 ? Map.of() : Map.of("Range", "bytes=0-" + (persisted - 1));
    return new FakeGcs.Reply(308, headers, new byte[0]);
  }

  private static String boundary(String contentType) throws IOException {
    if (contentType != null) {
      for (String param : contentType.split(";")) {
        String p = param.trim();
        if (p.startsWith("boundary=")) {
          return p.substring("boundary=".length()).replace("\"", "");
        }
      }
    }
    throw new IOException("multipart upload without a boundary: " + contentType);
  }

  /** The metadata part and the media part of a multipart/related body. */
  private static byte[][] multipart(byte[] body, String boundary) throws IOException {
    byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
    byte[][] parts = new byte[2][];
    int at = indexOf(body, delimiter, 0);
    for (int i = 0; i < 2; i++) {
      if (at < 0) {
        throw new IOException("multipart upload with fewer than two parts");
      }
      int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), at);
      int next = indexOf(body, delimiter, headersEnd + 4);
      // The part ends with the CRLF that precedes the next delimiter.
      parts[i] = Arrays.copyOfRange(body, headersEnd + 4, next - 2);
      at = next;
    }
    return parts;
  }

  private static int indexOf(byte[] data, byte[] pattern, int from) {
    outer:
    for (int i = Math.max(0, from); i <= data.length - pattern.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
