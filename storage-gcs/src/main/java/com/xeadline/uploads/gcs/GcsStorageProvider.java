package com.xeadline.uploads.gcs;

import com.google.cloud.ReadChannel;
import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.HttpMethod;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import com.xeadline.uploads.storage.ObjectKeys;
import com.xeadline.uploads.storage.StorageProvider;
import com.xeadline.uploads.storage.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finals in a Google Cloud Storage bucket (under an optional prefix). Writes are resumable uploads
 * fed through one bounded buffer, never the whole file; reads are ranged. Transient errors are
 * retried with backoff by the client's retry settings (see {@link GcsStorageFactory}).
 */
public final class GcsStorageProvider implements StorageProvider {
  static final int BUFFER = 1024 * 1024;
  static final int CHUNK = 8 * 1024 * 1024;
  static final int MAX_COMPOSE_SOURCES = 32;

  private final Storage storage;
  private final String bucket;
  private final String prefix;

  public GcsStorageProvider(Storage storage, String bucket, String prefix) {
    this.storage = storage;
    this.bucket = bucket;
    this.prefix = prefix == null || prefix.isBlank() ? "" : prefix.replaceAll("^/+|/+$", "") + "/";
  }

  @Override
  public String name() {
    return "gcs";
  }

  @Override
  public StoredObject store(String key, InputStream data, long length, String contentType, Map<String, String> metadata)
      throws IOException {
    BlobInfo info =
        BlobInfo.newBuilder(blobId(key))
            .setContentType(contentType == null ? "application/octet-stream" : contentType)
            .setCacheControl("private, max-age=0")
            .setMetadata(metadata)
            .build();
    long written = 0;
    try (WriteChannel out = storage.writer(info)) {
      out.setChunkSize(CHUNK);
      byte[] buffer = new byte[BUFFER];
      for (int n; (n = data.read(buffer)) >= 0; ) {
        ByteBuffer wrapped = ByteBuffer.wrap(buffer, 0, n);
        while (wrapped.hasRemaining()) {
          out.write(wrapped);
        }
        written += n;
      }
    } catch (StorageException e) {
      throw new IOException("GCS write of " + key + " failed: " + e.getMessage(), e);
    } catch (IOException e) {
      // The channel wraps the client's failures; a failure reading our source is passed on as it is.
      if (e.getCause() instanceof StorageException) {
        throw new IOException("GCS write of " + key + " failed: " + e.getCause().getMessage(), e);
      }
      throw e;
    }
    if (written != length) {
      throw new IOException("expected " + length + " bytes for " + key + ", read " + written);
    }
    return new StoredObject(key, written, info.getContentType(), Instant.now());
  }

  @Override
  public void delete(String key) throws IOException {
    try {
      storage.delete(blobId(key));
    } catch (StorageException e) {
      throw new IOException("GCS delete of " + key + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<StoredObject> stat(String key) throws IOException {
    try {
      Blob blob = storage.get(blobId(key));
      if (blob == null) {
        return Optional.empty();
      }
      Instant created = blob.getCreateTimeOffsetDateTime() == null ? null : blob.getCreateTimeOffsetDateTime().toInstant();
      return Optional.of(new StoredObject(key, blob.getSize(), blob.getContentType(), created));
    } catch (StorageException e) {
      throw new IOException("GCS stat of " + key + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public InputStream openRange(String key, long offset, long length) throws IOException {
    try {
      ReadChannel reader = storage.reader(blobId(key));
      reader.setChunkSize(BUFFER);
      reader.seek(offset);
      reader.limit(offset + length);
      return Channels.newInputStream(reader);
    } catch (StorageException e) {
      throw new IOException("GCS read of " + key + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Concatenates {@code sourceKeys} in order into {@code targetKey}, which must not exist yet.
   * GCS composes at most 32 sources per call, so longer lists are composed in rounds through
   * intermediate objects under {@code targetKey + ".compose-<round>-<n>"}, deleted afterwards.
   */
  public StoredObject compose(List<String> sourceKeys, String targetKey, String contentType, Map<String, String> metadata)
      throws IOException {
    return composeSources(sourceKeys.stream().map(key -> new Source(key, null, null)).toList(), targetKey, contentType, metadata);
  }

  /**
   * A compose source. A non-null generation pins it (GCS answers 404 if that generation is gone);
   * a known length lets a retried compose recognise its own earlier success.
   */
  record Source(String key, Long generation, Long length) {}

  StoredObject composeSources(List<Source> sources, String targetKey, String contentType, Map<String, String> metadata)
      throws IOException {
    if (sources.isEmpty()) {
      throw new IOException("nothing to compose into " + targetKey);
    }
    List<Source> round = sources;
    List<String> intermediates = new ArrayList<>();
    try {
      for (int depth = 0; round.size() > MAX_COMPOSE_SOURCES; depth++) {
        List<Source> next = new ArrayList<>();
        for (int from = 0; from < round.size(); from += MAX_COMPOSE_SOURCES) {
          String key = targetKey + ".compose-" + depth + "-" + next.size();
          List<Source> slice = round.subList(from, Math.min(round.size(), from + MAX_COMPOSE_SOURCES));
          intermediates.add(key);
          Blob part = composeOnce(slice, key, contentType, Map.of());
          next.add(new Source(key, part.getGeneration(), part.getSize()));
        }
        round = next;
      }
      Blob composed = composeOnce(round, targetKey, contentType, metadata);
      return new StoredObject(targetKey, composed.getSize(), composed.getContentType(), Instant.now());
    } finally {
      for (String key : intermediates) {
        delete(key);
      }
    }
  }

  /**
   * One compose call, conditional on the target not existing: that makes it idempotent, so the
   * client retries it after a timeout or a 5xx. A 412 then means an earlier attempt of ours
   * succeeded (its answer was lost), which the target's size confirms.
   */
  private Blob composeOnce(List<Source> sources, String targetKey, String contentType, Map<String, String> metadata)
      throws IOException {
    Storage.ComposeRequest.Builder request = Storage.ComposeRequest.newBuilder();
    Long expected = 0L;
    for (Source source : sources) {
      if (source.generation() == null) {
        request.addSource(blobId(source.key()).getName());
      } else {
        request.addSource(blobId(source.key()).getName(), source.generation());
      }
      expected = expected == null || source.length() == null ? null : expected + source.length();
    }
    request.setTarget(
        BlobInfo.newBuilder(blobId(targetKey))
            .setContentType(contentType == null ? "application/octet-stream" : contentType)
            .setCacheControl("private, max-age=0")
            .setMetadata(metadata)
            .build());
    request.setTargetOptions(Storage.BlobTargetOption.doesNotExist());
    try {
      return storage.compose(request.build());
    } catch (StorageException e) {
      if (e.getCode() == 412) {
        Blob existing = storage.get(blobId(targetKey));
        if (existing != null && expected != null && existing.getSize() == expected.longValue()) {
          return existing;
        }
        throw new IOException("GCS compose into " + targetKey + ": the object already exists", e);
      }
      throw new IOException("GCS compose into " + targetKey + " failed: " + e.getMessage(), e);
    }
  }

  /** Unfinished uploads as part objects in this bucket (storage.in-progress=gcs). */
  @Override
  public Optional<com.xeadline.uploads.storage.UploadParts> uploadParts() {
    return Optional.of(new GcsUploadParts(this));
  }

  /** Merges {@code metadata} into the object's custom metadata (a null value removes an entry). */
  public void updateMetadata(String key, Map<String, String> metadata) throws IOException {
    try {
      Blob updated = storage.update(BlobInfo.newBuilder(blobId(key)).setMetadata(metadata).build());
      if (updated == null) {
        throw new IOException("GCS metadata update of " + key + ": no such object");
      }
    } catch (StorageException e) {
      throw new IOException("GCS metadata update of " + key + " failed: " + e.getMessage(), e);
    }
  }

  /** Keys (without our prefix) of the objects whose keys start with {@code keyPrefix}, in name order. */
  public List<String> list(String keyPrefix) throws IOException {
    List<String> keys = new ArrayList<>();
    try {
      for (Blob blob : storage.list(bucket, Storage.BlobListOption.prefix(prefix + keyPrefix)).iterateAll()) {
        keys.add(blob.getName().substring(prefix.length()));
      }
    } catch (StorageException e) {
      throw new IOException("GCS list of " + keyPrefix + " failed: " + e.getMessage(), e);
    }
    return keys;
  }

  /** A V4 signed PUT URL bound to the content type; only credentials that can sign make one. */
  @Override
  public URI directUploadUrl(String key, String contentType, Duration validity) throws IOException {
    BlobInfo info = BlobInfo.newBuilder(blobId(key)).setContentType(contentType).build();
    try {
      return storage
          .signUrl(
              info,
              validity.toSeconds(),
              TimeUnit.SECONDS,
              Storage.SignUrlOption.withV4Signature(),
              Storage.SignUrlOption.httpMethod(HttpMethod.PUT),
              // V4 binds headers by signing them: the client must PUT with this exact type.
              Storage.SignUrlOption.withExtHeaders(Map.of("Content-Type", contentType)))
          .toURI();
    } catch (IllegalStateException | IllegalArgumentException cannotSign) {
      throw new UnsupportedOperationException(
          "The GCS credentials cannot sign URLs (use a service-account key file): " + cannotSign.getMessage(), cannotSign);
    } catch (URISyntaxException e) {
      throw new IOException(e);
    }
  }

  Storage storage() {
    return storage;
  }

  BlobId blobId(String key) throws IOException {
    if (!ObjectKeys.isSafe(key)) {
      throw new IOException("unsafe object key");
    }
    return BlobId.of(bucket, prefix + key);
  }
}
