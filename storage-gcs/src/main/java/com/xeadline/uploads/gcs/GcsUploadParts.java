package com.xeadline.uploads.gcs;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import com.xeadline.uploads.storage.StoredObject;
import com.xeadline.uploads.storage.UploadParts;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Parts of unfinished uploads in the bucket, under {@code in-progress/<upload id>/}. Each part's
 * name carries its start offset and a nonce, and is written with ifGenerationMatch=0: two writers
 * (one of them superseded) can never replace each other's part, and the generation returned is
 * the one the caller records and later composes.
 */
public final class GcsUploadParts implements UploadParts {
  static final String DIR = "in-progress/";

  private final GcsStorageProvider provider;

  public GcsUploadParts(GcsStorageProvider provider) {
    this.provider = provider;
  }

  /** A new part's name: the upload's prefix, the start offset (so a listing is in order), a nonce. */
  private static String partKey(String uploadId, long start) {
    return DIR + UUID.fromString(uploadId) + "/" + String.format("%019d", start) + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Override
  public Part write(String uploadId, long start, InputStream data, long length) throws IOException {
    String key = partKey(uploadId, start);
    BlobInfo info = BlobInfo.newBuilder(provider.blobId(key)).setContentType("application/octet-stream").build();
    Counting counted = new Counting(data, length);
    Blob blob;
    try {
      blob = provider.storage().createFrom(info, counted, bufferFor(length), Storage.BlobWriteOption.doesNotExist());
    } catch (StorageException e) {
      throw new IOException("GCS write of part " + key + " failed: " + e.getMessage(), e);
    }
    if (counted.count != length || blob.getSize() != length) {
      // A short body: the part holds fewer bytes than the caller means to acknowledge.
      provider.delete(key);
      throw new IOException("expected " + length + " bytes for part " + key + ", read " + counted.count);
    }
    return new Part(key, start, start + length, blob.getGeneration());
  }

  /**
   * A buffer larger than the part, up to one chunk and 256 KiB: the client then sees the end of
   * the stream before its first PUT and sends the total with it (start + one PUT), where a buffer
   * of exactly the part's size (an 8 MiB PATCH) costs a third request to finalize. GCS wants
   * multiples of 256 KiB.
   */
  static int bufferFor(long length) {
    long quantum = 256 * 1024;
    long roundedUp = (length / quantum + 1) * quantum;
    return (int) Math.min(GcsStorageProvider.CHUNK + quantum, roundedUp);
  }

  @Override
  public InputStream open(List<Part> parts, long offset, long length) throws IOException {
    List<InputStream> pieces = new ArrayList<>();
    long from = offset;
    long end = offset + length;
    for (Part part : parts) {
      if (part.end() <= from || part.start() >= end) {
        continue;
      }
      long within = from - part.start();
      long take = Math.min(end, part.end()) - from;
      pieces.add(provider.openRange(part.key(), within, take));
      from += take;
    }
    if (from != end) {
      throw new IOException("the recorded parts do not cover bytes " + from + " to " + end);
    }
    return new SequenceInputStream(Collections.enumeration(pieces));
  }

  @Override
  public StoredObject compose(List<Part> parts, String key, String contentType, Map<String, String> metadata)
      throws IOException {
    long expected = 0;
    for (Part part : parts) {
      if (part.start() != expected) {
        throw new IOException("the recorded parts leave a gap or overlap at " + expected);
      }
      expected = part.end();
    }
    List<GcsStorageProvider.Source> sources =
        parts.stream().map(p -> new GcsStorageProvider.Source(p.key(), p.generation(), p.length())).toList();
    StoredObject composed = provider.composeSources(sources, key, contentType, metadata);
    if (composed.size() != expected) {
      throw new IOException("composed " + composed.size() + " bytes into " + key + ", expected " + expected);
    }
    return composed;
  }

  @Override
  public Part composePart(String uploadId, long start, List<Part> sources) throws IOException {
    String key = partKey(uploadId, start);
    long length = sources.stream().mapToLong(Part::length).sum();
    List<GcsStorageProvider.Source> from =
        sources.stream().map(p -> new GcsStorageProvider.Source(p.key(), p.generation(), p.length())).toList();
    StoredObject composed = provider.composeSources(from, key, "application/octet-stream", Map.of());
    Blob blob;
    try {
      blob = provider.storage().get(provider.blobId(key));
    } catch (StorageException e) {
      throw new IOException("GCS stat of composed part " + key + " failed: " + e.getMessage(), e);
    }
    if (blob == null || composed.size() != length || blob.getSize() != length) {
      throw new IOException("composed " + composed.size() + " bytes into part " + key + ", expected " + length);
    }
    return new Part(key, start, start + length, blob.getGeneration());
  }

  /** One listing of every part object: its cost grows with the parts of all unfinished uploads. */
  @Override
  public java.util.Set<String> uploadsWithParts() throws IOException {
    java.util.Set<String> ids = new java.util.TreeSet<>();
    for (String key : provider.list(DIR)) {
      int slash = key.indexOf('/', DIR.length());
      if (slash > DIR.length()) {
        ids.add(key.substring(DIR.length(), slash));
      }
    }
    return ids;
  }

  @Override
  public void delete(Part part) throws IOException {
    provider.delete(part.key());
  }

  @Override
  public void deleteAll(String uploadId) throws IOException {
    for (String key : provider.list(DIR + UUID.fromString(uploadId) + "/")) {
      provider.delete(key);
    }
  }

  /** Counts what the client sends, and stops at one byte past the expected length. */
  private static final class Counting extends FilterInputStream {
    private final long limit;
    long count;

    Counting(InputStream in, long length) {
      super(in);
      this.limit = length + 1;
    }

    @Override
    public int read() throws IOException {
      if (count >= limit) {
        return -1;
      }
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (count >= limit) {
        return -1;
      }
      int n = super.read(b, off, (int) Math.min(len, limit - count));
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
