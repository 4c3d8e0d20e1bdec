package com.xeadline.uploads.gcs;

import com.google.api.client.json.JsonFactory;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.client.util.DateTime;
import com.google.api.services.storage.model.StorageObject;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * The objects of the fake GCS: every bucket, with generations, metadata and the hashes the client
 * may check. JSON goes through the client's own model classes, so field formats (sizes and
 * generations as strings, RFC 3339 times, base64 hashes) are the ones the client expects.
 */
public final class FakeGcsObjects {
  static final JsonFactory JSON = GsonFactory.getDefaultInstance();

  /** One stored generation: the bytes and the metadata as the JSON API shows it. */
  public record Stored(StorageObject meta, byte[] bytes) {}

  private final TreeMap<String, Stored> objects = new TreeMap<>();
  private final AtomicLong generations = new AtomicLong(1_700_000_000_000_000L);

  /** Stores a new generation of {@code info.getName()}; metadata fields the client set are kept. */
  synchronized Stored put(String bucket, StorageObject info, byte[] bytes) {
    long now = System.currentTimeMillis();
    StorageObject meta = new StorageObject();
    meta.setKind("storage#object");
    meta.setBucket(bucket);
    meta.setName(info.getName());
    meta.setGeneration(generations.incrementAndGet());
    meta.setMetageneration(1L);
    meta.setId(bucket + "/" + info.getName() + "/" + meta.getGeneration());
    meta.setContentType(info.getContentType() == null ? "application/octet-stream" : info.getContentType());
    meta.setCacheControl(info.getCacheControl());
    meta.setContentDisposition(info.getContentDisposition());
    meta.setMetadata(info.getMetadata() == null ? null : new HashMap<>(info.getMetadata()));
    meta.setSize(BigInteger.valueOf(bytes.length));
    meta.setMd5Hash(md5(bytes));
    meta.setCrc32c(crc32c(bytes));
    meta.setEtag(Long.toHexString(meta.getGeneration()));
    meta.setTimeCreated(new DateTime(now));
    meta.setUpdated(new DateTime(now));
    meta.setStorageClass("STANDARD");
    Stored stored = new Stored(meta, bytes);
    objects.put(key(bucket, info.getName()), stored);
    return stored;
  }

  public synchronized Optional<Stored> get(String bucket, String name) {
    return Optional.ofNullable(objects.get(key(bucket, name)));
  }

  synchronized boolean delete(String bucket, String name) {
    return objects.remove(key(bucket, name)) != null;
  }

  /** Applies a PATCH: metadata entries merge (a null value removes one), other set fields replace. */
  synchronized Optional<StorageObject> patch(String bucket, String name, StorageObject change) {
    Stored stored = objects.get(key(bucket, name));
    if (stored == null) {
      return Optional.empty();
    }
    StorageObject meta = stored.meta().clone();
    if (change.getContentType() != null) {
      meta.setContentType(change.getContentType());
    }
    if (change.getCacheControl() != null) {
      meta.setCacheControl(change.getCacheControl());
    }
    if (change.getContentDisposition() != null) {
      meta.setContentDisposition(change.getContentDisposition());
    }
    if (change.getMetadata() != null) {
      Map<String, String> merged = meta.getMetadata() == null ? new HashMap<>() : new HashMap<>(meta.getMetadata());
      change.getMetadata().forEach((k, v) -> {
        if (v == null || com.google.api.client.util.Data.isNull(v)) {
          merged.remove(k);
        } else {
          merged.put(k, v);
        }
      });
      meta.setMetadata(merged);
    }
    meta.setMetageneration(meta.getMetageneration() + 1);
    meta.setUpdated(new DateTime(System.currentTimeMillis()));
    objects.put(key(bucket, name), new Stored(meta, stored.bytes()));
    return Optional.of(meta);
  }

  /** Names under {@code prefix}, in name order (as GCS lists them). */
  public synchronized List<StorageObject> list(String bucket, String prefix) {
    List<StorageObject> found = new ArrayList<>();
    String from = key(bucket, prefix == null ? "" : prefix);
    for (var entry : objects.tailMap(from).entrySet()) {
      if (!entry.getKey().startsWith(from)) {
        break;
      }
      found.add(entry.getValue().meta());
    }
    return found;
  }

  /** The bytes of the sources, concatenated, or empty when one is missing or not at its generation. */
  synchronized Optional<byte[]> concatenate(String bucket, List<String> names, List<Long> generations) throws IOException {
    List<byte[]> sources = new java.util.ArrayList<>();
    long total = 0;
    for (int i = 0; i < names.size(); i++) {
      Stored source = objects.get(key(bucket, names.get(i)));
      if (source == null || (generations.get(i) != null && !generations.get(i).equals(source.meta().getGeneration()))) {
        return Optional.empty();
      }
      sources.add(source.bytes());
      total += source.bytes().length;
    }
    // One array of the exact size: a compose of 1 GiB holds 1 GiB more, not 3 (a growing buffer and its copy).
    byte[] joined = new byte[Math.toIntExact(total)];
    int at = 0;
    for (byte[] bytes : sources) {
      System.arraycopy(bytes, 0, joined, at, bytes.length);
      at += bytes.length;
    }
    return Optional.of(joined);
  }

  private static String key(String bucket, String name) {
    return bucket + "\u0000" + name;
  }

  private static String md5(byte[] bytes) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String crc32c(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    return Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }
}
