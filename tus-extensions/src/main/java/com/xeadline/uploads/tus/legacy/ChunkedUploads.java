package com.xeadline.uploads.tus.legacy;

import com.xeadline.uploads.storage.ObjectKeys;
import com.xeadline.uploads.tus.ContentSignature;
import com.xeadline.uploads.tus.CreationGate;
import com.xeadline.uploads.tus.NewUpload;
import com.xeadline.uploads.tus.QuotaExceededException;
import com.xeadline.uploads.tus.SqlUploadStorage;
import com.xeadline.uploads.tus.UploadRow;
import com.xeadline.uploads.tus.UploadRules;
import com.xeadline.uploads.tus.UploadSessions;
import com.xeadline.uploads.tus.UploadStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import me.desair.tus.server.upload.UploadType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The legacy chunk API as a translation onto ordinary uploads: the same row, the same file.
 * Chunk {@code i} has its place at {@code i * chunkSize} in the upload's file and is written
 * there directly, in any order, in parallel, once. The row's offset is the contiguous prefix of
 * stored chunks, so tus sees the progress and a tus client can continue a contiguous upload.
 */
public final class ChunkedUploads {
  private static final Logger log = LoggerFactory.getLogger(ChunkedUploads.class);

  private final SqlUploadStorage storage;
  private final UploadSessions sessions;
  private final UploadChunks chunks;
  private final UploadRules rules;
  private final long maxChunkSize;
  private final Duration expiration;
  private final boolean fsync;
  private final Clock clock;

  public ChunkedUploads(
      SqlUploadStorage storage,
      UploadSessions sessions,
      UploadChunks chunks,
      UploadRules rules,
      long maxChunkSize,
      Duration expiration,
      boolean fsync,
      Clock clock) {
    this.storage = storage;
    this.sessions = sessions;
    this.chunks = chunks;
    this.rules = rules;
    this.maxChunkSize = maxChunkSize;
    this.expiration = expiration;
    this.fsync = fsync;
    this.clock = clock;
  }

  public record Chunk(int chunkIndex, int received) {}

  public record Completed(String url, String contentType, long size) {}

  public UploadRow init(
      String userId, String fileName, Long fileSize, String contentType, Integer totalChunks, String creatorIp)
      throws LegacyApiException, IOException {
    List<UploadRules.Violation> violations = new ArrayList<>(rules.check(fileName, fileSize, contentType));
    long chunkSize = 0;
    if (totalChunks == null || totalChunks < 1 || totalChunks > UploadRules.MAX_CHUNKS) {
      violations.add(new UploadRules.Violation("totalChunks", "must be an integer from 1 to " + UploadRules.MAX_CHUNKS));
    } else if (fileSize != null && fileSize > 0) {
      chunkSize = (fileSize + totalChunks - 1) / totalChunks;
      if (chunkSize * (totalChunks - 1) >= fileSize) {
        violations.add(new UploadRules.Violation("totalChunks", "leaves the last chunk empty for a file of " + fileSize + " bytes"));
      } else if (chunkSize > maxChunkSize) {
        violations.add(new UploadRules.Violation("totalChunks", "gives chunks of " + chunkSize + " bytes; at most " + maxChunkSize + " are accepted"));
      }
    }
    if (!violations.isEmpty()) {
      throw LegacyApiException.invalid(violations);
    }
    String name = UploadRules.sanitizeFileName(fileName);
    UploadRow row = create(userId, name, fileSize, contentType, totalChunks, chunkSize, creatorIp);
    log.atInfo().addKeyValue("upload_id", row.id()).addKeyValue("total_chunks", totalChunks).log("chunked.initialized");
    return row;
  }

  /** Title and description of a video, given by JSON clients (tus clients send them as metadata). */
  public void describe(String uploadId, String title, String description) {
    if (title != null && !title.isBlank()) {
      sessions.putMetadata(uploadId, "title", title.strip());
    }
    if (description != null && !description.isBlank()) {
      sessions.putMetadata(uploadId, "description", description.strip());
    }
  }

  /** A tus upload with a deferred length, for the direct-upload URL. */
  public UploadRow initDirect(String userId, String fileName, String contentType, String creatorIp)
      throws LegacyApiException, IOException {
    List<UploadRules.Violation> violations = new ArrayList<>();
    rules.checkName(fileName, violations);
    rules.checkType(contentType, violations);
    if (!violations.isEmpty()) {
      throw LegacyApiException.invalid(violations);
    }
    return create(userId, UploadRules.sanitizeFileName(fileName), null, contentType, null, null, creatorIp);
  }

  /**
   * An upload whose bytes go straight to the provider through a signed URL: the row records the
   * provider and key at once; the upload completes when the object is found there.
   */
  public UploadRow initSigned(String userId, String fileName, String contentType, String providerName, String key)
      throws LegacyApiException, IOException {
    UploadRow row = initDirect(userId, fileName, contentType, null);
    storage.recordPublished(row.id(), providerName, key);
    return sessions.find(row.id()).orElseThrow();
  }

  /** Completes a signed-URL upload once its object exists, with the object's size. */
  public UploadRow completeSigned(UploadRow row, long size) {
    storage.completeDirect(row, size);
    return sessions.find(row.id()).orElse(row);
  }

  private UploadRow create(
      String userId, String name, Long fileSize, String contentType, Integer totalChunks, Long chunkSize, String creatorIp)
      throws IOException, LegacyApiException {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("filename", name);
    metadata.put("filetype", contentType.trim());
    try {
      return storage.createUpload(
        new NewUpload(
            userId,
            fileSize,
            encode(metadata),
            metadata,
            creatorIp,
            UploadType.REGULAR.name(),
            null,
            List.of(),
            totalChunks,
            chunkSize,
            ObjectKeys.forUpload(userId, name, null)));
    } catch (CreationGate.Refused e) {
      throw new LegacyApiException(e.status(), "Refused", e.getMessage(), List.of(), Map.of());
    } catch (QuotaExceededException e) {
      throw new LegacyApiException(
          403,
          "Quota exceeded",
          e.getMessage(),
          List.of(),
          Map.of("quota", e.quota(), "limit", e.limit(), "used", e.used(), "requested", e.requested()));
    }
  }

  /**
   * Streams one chunk to its place. A chunk already stored (or being stored by a parallel
   * request) is read and dropped, and not counted again.
   */
  public Chunk receive(String userId, String uploadId, Integer index, InputStream body)
      throws LegacyApiException, IOException {
    UploadRow row = owned(userId, uploadId);
    if (!row.isChunked()) {
      throw new LegacyApiException(409, "Not a chunked upload", "Upload " + uploadId + " was not created with init-chunked-upload", List.of(), Map.of());
    }
    if (index == null || index < 0 || index >= row.totalChunks()) {
      throw LegacyApiException.invalid(
          List.of(new UploadRules.Violation("chunkIndex", "must be an integer from 0 to " + (row.totalChunks() - 1))));
    }
    if (row.status() == UploadStatus.COMPLETED || row.status() == UploadStatus.FAILED) {
      throw new LegacyApiException(409, "Upload is " + row.status().dbValue(), "Upload " + uploadId + " takes no more chunks", List.of(), Map.of());
    }
    long expected = index == row.totalChunks() - 1 ? row.length() - index * row.chunkSize() : row.chunkSize();
    UploadChunks.Claim claim = chunks.claim(uploadId, index, clock.instant());
    if (claim == UploadChunks.Claim.BUSY) {
      throw new LegacyApiException(
          409, "Chunk being written", "Chunk " + index + " is being written by another request; retry shortly", List.of(), Map.of());
    }
    if (claim == UploadChunks.Claim.STORED) {
      body.transferTo(java.io.OutputStream.nullOutputStream());
      return new Chunk(index, chunks.stored(uploadId).size());
    }
    boolean stored = false;
    try {
      write(uploadId, index * row.chunkSize(), expected, body);
      if (index == 0) {
        verifyHead(row);
      }
      chunks.markStored(uploadId, index);
      stored = true;
    } finally {
      if (!stored) {
        chunks.release(uploadId, index);
      }
    }
    List<Integer> all = chunks.stored(uploadId);
    int contiguous = 0;
    while (contiguous < all.size() && all.get(contiguous) == contiguous) {
      contiguous++;
    }
    long prefix = Math.min((long) contiguous * row.chunkSize(), row.length());
    sessions.recordChunks(uploadId, prefix, clock.instant(), clock.instant().plus(expiration));
    log.atInfo()
        .addKeyValue("upload_id", uploadId)
        .addKeyValue("chunk_index", index)
        .addKeyValue("received", all.size())
        .log("chunked.chunk_stored");
    return new Chunk(index, all.size());
  }

  private void write(String uploadId, long position, long expected, InputStream body)
      throws IOException, LegacyApiException {
    byte[] buffer = new byte[(int) Math.min(256 * 1024, Math.max(expected, 1))];
    ByteBuffer direct = ByteBuffer.allocateDirect(buffer.length);
    long written = 0;
    try (FileChannel file = storage.files().openForWrite(uploadId)) {
      while (written < expected) {
        int n = body.read(buffer, 0, (int) Math.min(buffer.length, expected - written));
        if (n < 0) {
          break;
        }
        direct.clear();
        direct.put(buffer, 0, n).flip();
        while (direct.hasRemaining()) {
          written += file.write(direct, position + written);
        }
      }
      boolean tooLong = written == expected && body.read() >= 0;
      if (written != expected || tooLong) {
        throw LegacyApiException.invalid(
            List.of(new UploadRules.Violation("chunk", "must be exactly " + expected + " bytes" + (tooLong ? ", was longer" : ", was " + written))));
      }
      if (fsync) {
        file.force(false);
      }
    }
  }

  private void verifyHead(UploadRow row) throws IOException, LegacyApiException {
    if (!storage.verifiesContent()) {
      return;
    }
    byte[] head;
    try (InputStream in = storage.files().openStream(row.id())) {
      head = in.readNBytes((int) Math.min(ContentSignature.HEAD, row.length()));
    }
    if (!ContentSignature.matches(row.contentType(), head)) {
      storage.fail(row.id(), "content does not look like " + row.contentType());
      throw new LegacyApiException(
          415, "Content does not match its type", "The first bytes are not " + row.contentType() + "; the upload has failed", List.of(), Map.of());
    }
  }

  public Completed complete(String userId, String uploadId, String fileName, String contentType)
      throws LegacyApiException, IOException {
    UploadRow row = owned(userId, uploadId);
    List<UploadRules.Violation> violations = new ArrayList<>();
    if (fileName != null) {
      rules.checkName(fileName, violations);
    }
    if (contentType != null) {
      rules.checkType(contentType, violations);
    }
    if (!violations.isEmpty()) {
      throw LegacyApiException.invalid(violations);
    }
    if (fileName != null || contentType != null) {
      Map<String, String> metadata = new LinkedHashMap<>(row.metadata());
      String name = fileName != null ? UploadRules.sanitizeFileName(fileName) : row.fileName();
      String type = contentType != null ? contentType.trim() : row.contentType();
      metadata.put("filename", name);
      metadata.put("filetype", type);
      sessions.rename(uploadId, name, type, metadata, encode(metadata));
    }
    if (row.status() != UploadStatus.COMPLETED) {
      if (!row.isChunked()) {
        throw new LegacyApiException(409, "Not a chunked upload", "Upload " + uploadId + " is finished through tus", List.of(), Map.of());
      }
      int received = chunks.stored(uploadId).size();
      if (received < row.totalChunks()) {
        throw new LegacyApiException(
            400,
            "Chunks missing",
            received + " of " + row.totalChunks() + " chunks received",
            List.of(),
            Map.of("receivedChunks", received, "totalChunks", row.totalChunks()));
      }
      storage.completeChunked(row);
    }
    UploadRow done = sessions.find(uploadId).orElseThrow();
    return new Completed(done.url(), done.contentType(), done.length());
  }

  public UploadRow status(String userId, String uploadId) throws LegacyApiException {
    return owned(userId, uploadId);
  }

  private UploadRow owned(String userId, String uploadId) throws LegacyApiException {
    if (uploadId == null || !uploadId.matches("[0-9a-fA-F-]{36}")) {
      throw LegacyApiException.notFound(String.valueOf(uploadId));
    }
    UploadRow row =
        storage
            .find(uploadId)
            .filter(r -> !r.isExpired(clock.instant()))
            .orElseThrow(() -> LegacyApiException.notFound(uploadId));
    if (!java.util.Objects.equals(row.userId(), userId)) {
      // As the old service did: the JSON API says forbidden where tus says not found.
      throw new LegacyApiException(403, "Forbidden", "Upload " + uploadId + " belongs to another user", List.of(), Map.of());
    }
    return row;
  }

  static String encode(Map<String, String> metadata) {
    List<String> pairs = new ArrayList<>();
    metadata.forEach(
        (k, v) -> pairs.add(k + " " + Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    return String.join(",", pairs);
  }
}
