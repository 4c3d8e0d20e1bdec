package com.xeadline.uploads.tus.legacy;

import com.xeadline.uploads.storage.ObjectKeys;
import com.xeadline.uploads.tus.upload.ContentSignature;
import com.xeadline.uploads.tus.upload.CreationGate;
import com.xeadline.uploads.tus.rows.NewUpload;
import com.xeadline.uploads.tus.rows.QuotaExceededException;
import com.xeadline.uploads.tus.upload.UploadService;
import com.xeadline.uploads.tus.upload.UploadLocks;
import com.xeadline.uploads.tus.rows.UploadRow;
import com.xeadline.uploads.tus.upload.UploadRules;
import com.xeadline.uploads.tus.rows.UploadSessions;
import com.xeadline.uploads.tus.rows.UploadStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import me.desair.tus.server.exception.UploadAlreadyLockedException;
import me.desair.tus.server.upload.UploadType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The legacy chunk API as a translation onto ordinary uploads: the same row, the same file.
 * Chunk {@code i} has its place at {@code i * chunkSize} in the upload's file and is written
 * there directly, in any order, in parallel, once. The row's offset is the contiguous prefix of
 * stored chunks, so tus sees the progress and a tus client can continue a contiguous upload.
 */
public final class LegacyChunkService {
  private static final Logger log = LoggerFactory.getLogger(LegacyChunkService.class);

  private final UploadService storage;
  private final UploadSessions sessions;
  private final ChunkRows chunks;
  private final ChunkStore placement;
  private final UploadLocks locks;
  private final Duration lockWait;
  private final UploadRules rules;
  private final long maxChunkSize;
  private final Duration expiration;
  private final Clock clock;

  public LegacyChunkService(
      UploadService storage,
      UploadSessions sessions,
      ChunkRows chunks,
      UploadLocks locks,
      Duration lockWait,
      UploadRules rules,
      long maxChunkSize,
      Duration expiration,
      ChunkStore placement,
      Clock clock) {
    this.storage = storage;
    this.sessions = sessions;
    this.chunks = chunks;
    this.locks = locks;
    this.lockWait = lockWait;
    this.placement = placement;
    this.rules = rules;
    this.maxChunkSize = maxChunkSize;
    this.expiration = expiration;
    this.clock = clock;
  }

  /** A chunk taken, with the indices of all stored chunks. */
  public record Chunk(int chunkIndex, List<Integer> received) {}

  public record Completed(String url, String contentType, long size) {}

  /**
   * A chunked upload of {@code totalChunks} chunks of the client's own size. {@code chunkSize}
   * is optional: without it the size is learned from the chunks (see {@link ChunkPlacement}).
   */
  public UploadRow init(
      String userId, String fileName, Long fileSize, String contentType, Integer totalChunks, Long chunkSize, String creatorIp)
      throws ApiProblem, IOException {
    List<UploadRules.Violation> violations = new ArrayList<>(rules.check(fileName, fileSize, contentType));
    if (totalChunks == null || totalChunks < 1 || totalChunks > UploadRules.MAX_CHUNKS) {
      violations.add(new UploadRules.Violation("totalChunks", "must be an integer from 1 to " + UploadRules.MAX_CHUNKS));
    } else if (fileSize != null && fileSize > 0 && totalChunks > fileSize) {
      violations.add(new UploadRules.Violation("totalChunks", "is more than the " + fileSize + " bytes of the file"));
    } else if (fileSize != null && fileSize > 0 && (long) totalChunks * maxChunkSize < fileSize) {
      violations.add(new UploadRules.Violation("totalChunks", "needs chunks over the " + maxChunkSize + " bytes accepted per chunk"));
    } else if (chunkSize != null && fileSize != null && fileSize > 0
        && (chunkSize > maxChunkSize || !ChunkPlacement.fits(chunkSize, fileSize, totalChunks))) {
      violations.add(new UploadRules.Violation("chunkSize", "must cut " + fileSize + " bytes into " + totalChunks + " chunks of at most " + maxChunkSize + " bytes"));
    }
    if (!violations.isEmpty()) {
      throw ApiProblem.invalid(violations);
    }
    String name = UploadRules.sanitizeFileName(fileName);
    Long known = totalChunks == 1 ? fileSize : chunkSize;
    UploadRow row = create(userId, name, fileSize, contentType, totalChunks, known, creatorIp);
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
      throws ApiProblem, IOException {
    List<UploadRules.Violation> violations = new ArrayList<>();
    rules.checkName(fileName, violations);
    rules.checkType(contentType, violations);
    if (!violations.isEmpty()) {
      throw ApiProblem.invalid(violations);
    }
    return create(userId, UploadRules.sanitizeFileName(fileName), null, contentType, null, null, creatorIp);
  }

  /**
   * An upload whose bytes go straight to the provider through a signed URL: the row records the
   * provider and key at once; the upload completes when the object is found there.
   */
  public UploadRow initSigned(String userId, String fileName, String contentType, String providerName, String key)
      throws ApiProblem, IOException {
    UploadRow row = initDirect(userId, fileName, contentType, null);
    storage.publishRecords().recordPublished(row.id(), providerName, key);
    return sessions.find(row.id()).orElseThrow();
  }

  /** Completes a signed-URL upload once its object exists, with the object's size. */
  public UploadRow completeSigned(UploadRow row, long size) {
    storage.completeDirect(row, size);
    return sessions.find(row.id()).orElse(row);
  }

  private UploadRow create(
      String userId, String name, Long fileSize, String contentType, Integer totalChunks, Long chunkSize, String creatorIp)
      throws IOException, ApiProblem {
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
      throw new ApiProblem(e.status(), "Refused", e.getMessage(), List.of(), Map.of());
    } catch (QuotaExceededException e) {
      throw new ApiProblem(
          403,
          "Quota exceeded",
          e.getMessage(),
          List.of(),
          Map.of("quota", e.quota(), "limit", e.limit(), "used", e.used(), "requested", e.requested()));
    }
  }

  /**
   * Stores one chunk (see {@link ChunkPlacement}). A chunk already stored (or being stored by a
   * parallel request) is read and dropped, and not counted again.
   */
  public Chunk receive(String userId, String uploadId, Integer index, ChunkBody body)
      throws ApiProblem, IOException {
    UploadRow row = owned(userId, uploadId);
    if (!row.isChunked()) {
      throw new ApiProblem(409, "Not a chunked upload", "Upload " + uploadId + " was not created with init-chunked-upload", List.of(), Map.of());
    }
    if (index == null || index < 0 || index >= row.totalChunks()) {
      throw ApiProblem.invalid(
          List.of(new UploadRules.Violation("chunkIndex", "must be an integer from 0 to " + (row.totalChunks() - 1))));
    }
    if (row.status() == UploadStatus.COMPLETED || row.status() == UploadStatus.FAILED) {
      throw new ApiProblem(409, "Upload is " + row.status().dbValue(), "Upload " + uploadId + " takes no more chunks", List.of(), Map.of());
    }
    ChunkRows.Claim claim = claimWaiting(uploadId, index);
    if (claim == ChunkRows.Claim.BUSY) {
      throw new ApiProblem(
          409, "Chunk being written", "Chunk " + index + " is being written by another request; retry shortly", List.of(), Map.of());
    }
    if (claim == ChunkRows.Claim.STORED) {
      body.drain();
      return new Chunk(index, chunks.stored(uploadId));
    }
    boolean stored = false;
    ChunkStore.Placed placed;
    try {
      placed = placement.place(row, index, body);
      if (index == 0) {
        verifyHead(row, placed);
      }
      chunks.markStored(uploadId, index, placed.bytes(), placed.inPlace());
      stored = true;
    } finally {
      if (!stored) {
        chunks.release(uploadId, index);
      }
    }
    List<ChunkRows.StoredChunk> all = chunks.storedChunks(uploadId);
    sessions.recordChunks(uploadId, contiguousPrefix(row, all), clock.instant(), clock.instant().plus(expiration));
    log.atInfo()
        .addKeyValue("upload_id", uploadId)
        .addKeyValue("chunk_index", index)
        .addKeyValue("chunk_bytes", placed.bytes())
        .addKeyValue("in_place", placed.inPlace())
        .addKeyValue("received", all.size())
        .log("chunked.chunk_stored");
    return new Chunk(index, all.stream().map(ChunkRows.StoredChunk::index).toList());
  }

  /**
   * Claims a chunk; while another copy of it is being written, waits (up to the lock wait) for that
   * copy to be stored or given up, so a duplicate sent by a client that retried too early is
   * answered like the first (the old front end treats any other status as a failed upload).
   */
  private ChunkRows.Claim claimWaiting(String uploadId, int index) throws IOException {
    long deadline = System.nanoTime() + lockWait.toNanos();
    while (true) {
      ChunkRows.Claim claim = chunks.claim(uploadId, index, clock.instant());
      if (claim != ChunkRows.Claim.BUSY || System.nanoTime() >= deadline) {
        return claim;
      }
      try {
        Thread.sleep(25);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("Interrupted while another copy of chunk " + index + " was written");
      }
    }
  }

  /** How many bytes from the start are in place in the upload's file: what tus sees as the offset. */
  private long contiguousPrefix(UploadRow read, List<ChunkRows.StoredChunk> all) {
    // Read again only when this request may have taught the chunk size; it never changes after.
    UploadRow row = read.chunkSize() != null ? read : sessions.find(read.id()).orElseThrow();
    long prefix = 0;
    for (int k = 0; k < all.size() && all.get(k).index() == k && all.get(k).inPlace() && row.chunkSize() != null; k++) {
      prefix += all.get(k).bytes();
    }
    return Math.min(prefix, row.length());
  }

  private void verifyHead(UploadRow row, ChunkStore.Placed placed) throws IOException, ApiProblem {
    if (!storage.verifiesContent()) {
      return;
    }
    UploadRow current = placed.inPlace() ? sessions.find(row.id()).orElse(row) : row;
    byte[] head = placement.head(current, 0, placed, ContentSignature.HEAD);
    if (!ContentSignature.matches(row.contentType(), head)) {
      storage.fail(row.id(), "content does not look like " + row.contentType());
      throw new ApiProblem(
          415, "Content does not match its type", "The first bytes are not " + row.contentType() + "; the upload has failed", List.of(), Map.of());
    }
  }

  /**
   * Completes a chunked upload once every chunk is stored. Idempotent: completing a completed
   * upload again answers the same, and never renames or relabels it (a conflicting name or type
   * is 409).
   */
  public Completed complete(String userId, String uploadId, String fileName, String contentType)
      throws ApiProblem, IOException {
    UploadRow row = owned(userId, uploadId);
    List<UploadRules.Violation> violations = new ArrayList<>();
    if (fileName != null) {
      rules.checkName(fileName, violations);
    }
    if (contentType != null) {
      rules.checkType(contentType, violations);
    }
    if (!violations.isEmpty()) {
      throw ApiProblem.invalid(violations);
    }
    if (row.status() != UploadStatus.COMPLETED) {
      if (!row.isChunked()) {
        throw new ApiProblem(409, "Not a chunked upload", "Upload " + uploadId + " is finished through tus", List.of(), Map.of());
      }
      try (UploadLocks.Lease lease = locks.acquire(uploadId, lockWait, () -> {})) {
        row = owned(userId, uploadId);
        if (row.status() != UploadStatus.COMPLETED) {
          assemble(row);
          relabel(row, fileName, contentType);
          storage.completeChunked(sessions.find(uploadId).orElseThrow());
        }
      } catch (UploadAlreadyLockedException e) {
        throw new ApiProblem(423, "Upload busy", "Upload " + uploadId + " is being written; retry shortly", List.of(), Map.of());
      }
    }
    UploadRow done = sessions.find(uploadId).orElseThrow();
    if ((fileName != null && !UploadRules.sanitizeFileName(fileName).equals(done.fileName()))
        || (contentType != null && !contentType.trim().equals(done.contentType()))) {
      throw new ApiProblem(
          409, "Upload already completed", "Upload " + uploadId + " was completed as " + done.fileName() + " (" + done.contentType() + ")", List.of(),
          Map.of("fileName", done.fileName(), "contentType", done.contentType()));
    }
    return new Completed(done.url(), done.contentType(), done.length());
  }

  /** Checks every chunk is there and adds up, and joins chunks that are not in their places. */
  private void assemble(UploadRow row) throws ApiProblem, IOException {
    List<ChunkRows.StoredChunk> all = chunks.storedChunks(row.id());
    if (all.size() < row.totalChunks()) {
      throw new ApiProblem(
          400,
          "Chunks missing",
          all.size() + " of " + row.totalChunks() + " chunks received",
          List.of(),
          Map.of("receivedChunks", all.stream().map(ChunkRows.StoredChunk::index).toList(), "totalChunks", row.totalChunks()));
    }
    boolean joined = all.stream().anyMatch(ChunkRows.StoredChunk::joined);
    if (!joined) {
      long sum = all.stream().mapToLong(ChunkRows.StoredChunk::bytes).sum();
      if (sum != row.length()) {
        throw new ApiProblem(
            400, "Chunks do not add up", "The chunks hold " + sum + " bytes; the file has " + row.length(), List.of(), Map.of());
      }
      if (!all.stream().allMatch(ChunkRows.StoredChunk::inPlace)) {
        long start = System.nanoTime();
        placement.join(row, all);
        chunks.markJoined(row.id());
        log.atInfo()
            .addKeyValue("upload_id", row.id())
            .addKeyValue("bytes", sum)
            .addKeyValue("millis", (System.nanoTime() - start) / 1_000_000)
            .log("chunked.joined");
      }
    }
    placement.finishJoin(row);
  }

  /** A name or type given at completion replaces the one given at init (the bytes are checked again). */
  private void relabel(UploadRow row, String fileName, String contentType) throws ApiProblem, IOException {
    String name = fileName != null ? UploadRules.sanitizeFileName(fileName) : row.fileName();
    String type = contentType != null ? contentType.trim() : row.contentType();
    if (name.equals(row.fileName()) && type.equals(row.contentType())) {
      return;
    }
    if (!type.equals(row.contentType()) && storage.verifiesContent()) {
      byte[] head = placement.firstBytes(row, ContentSignature.HEAD);
      if (!ContentSignature.matches(type, head)) {
        throw new ApiProblem(415, "Content does not match its type", "The first bytes are not " + type, List.of(), Map.of());
      }
    }
    Map<String, String> metadata = new LinkedHashMap<>(row.metadata());
    metadata.put("filename", name);
    metadata.put("filetype", type);
    sessions.rename(row.id(), name, type, metadata, encode(metadata));
  }

  /** The indices of the stored chunks, in order (none for an upload made through tus). */
  public List<Integer> receivedChunks(UploadRow row) {
    return row.isChunked() ? chunks.stored(row.id()) : List.of();
  }

  public UploadRow status(String userId, String uploadId) throws ApiProblem {
    return owned(userId, uploadId);
  }

  private UploadRow owned(String userId, String uploadId) throws ApiProblem {
    if (uploadId == null || !uploadId.matches("[0-9a-fA-F-]{36}")) {
      throw ApiProblem.notFound(String.valueOf(uploadId));
    }
    UploadRow row =
        storage
            .find(uploadId)
            .filter(r -> !r.isExpired(clock.instant()))
            .orElseThrow(() -> ApiProblem.notFound(uploadId));
    if (!java.util.Objects.equals(row.userId(), userId)) {
      // As the old service did: the JSON API says forbidden where tus says not found.
      throw new ApiProblem(403, "Forbidden", "Upload " + uploadId + " belongs to another user", List.of(), Map.of());
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
