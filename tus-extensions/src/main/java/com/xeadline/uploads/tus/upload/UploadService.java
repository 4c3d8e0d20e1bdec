package com.xeadline.uploads.tus.upload;

import com.xeadline.uploads.tus.TusError;
import com.xeadline.uploads.tus.rows.NewUpload;
import com.xeadline.uploads.tus.rows.PublishRecords;
import com.xeadline.uploads.tus.rows.QuotaExceededException;
import com.xeadline.uploads.tus.rows.UploadQuotas;
import com.xeadline.uploads.tus.rows.UploadRow;
import com.xeadline.uploads.tus.rows.UploadSessions;
import com.xeadline.uploads.tus.rows.UploadStatus;
import com.xeadline.uploads.config.UploadsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import me.desair.tus.server.exception.TusException;
import me.desair.tus.server.exception.UploadNotFoundException;
import me.desair.tus.server.upload.UploadId;
import me.desair.tus.server.upload.UploadIdFactory;
import me.desair.tus.server.upload.UploadInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What can happen to an upload, whichever route it came by (tus, the draft, the JSON API, the
 * legacy chunks): create, declare its length, append a body ({@link BodyWriter}), complete, fail,
 * terminate. The row ({@link UploadSessions}) is the only truth for offset, length, owner, metadata
 * and expiry; the bytes are one file ({@link UploadFiles}).
 *
 * <p>Durability rule: the row's offset is raised only after the bytes below it are written (and
 * forced to disk when fsync is on). A request's bytes above the committed offset are cut off
 * before the next write, so nothing unacknowledged survives into the file.
 */
public final class UploadService {
  private static final Logger log = LoggerFactory.getLogger(UploadService.class);

  private final UploadSessions sessions;
  private final UploadFiles files;
  private final UploadBytes bytes;
  private final Clock clock;
  private final boolean verifyContent;
  private final UploadsConfig.Limits quota;
  private final UploadQuotas quotas;
  private final PublishRecords publishRecords;
  private final Offsets offsets;
  private final BodyWriter writer;
  private final UploadListeners listeners = new UploadListeners();
  private UploadIdFactory idFactory;
  private long maxUploadSize;
  private Duration expiration;

  public UploadService(
      UploadSessions sessions,
      UploadFiles files,
      Clock clock,
      UploadsConfig.Tus tus,
      boolean fsync,
      boolean verifyContent,
      UploadsConfig.Limits quota,
      UploadIdFactory idFactory) {
    this(sessions, files, new LocalUploadBytes(files), clock, tus, fsync, verifyContent, quota, idFactory);
  }

  /** {@code bytes}: where unfinished uploads' bytes live (a file here, or part objects in the bucket). */
  public UploadService(
      UploadSessions sessions,
      UploadFiles files,
      UploadBytes bytes,
      Clock clock,
      UploadsConfig.Tus tus,
      boolean fsync,
      boolean verifyContent,
      UploadsConfig.Limits quota,
      UploadIdFactory idFactory) {
    this.sessions = sessions;
    this.files = files;
    this.bytes = bytes;
    this.clock = clock;
    this.verifyContent = verifyContent;
    this.quota = quota;
    this.quotas = new UploadQuotas(sessions);
    this.publishRecords = new PublishRecords(sessions);
    this.maxUploadSize = tus.maxSize();
    this.expiration = tus.expiration();
    this.idFactory = idFactory;
    this.offsets = new Offsets(sessions, clock, () -> expiration, this::finishedUrl);
    // Jetty hands a body over at most a few tens of KiB per read, so a larger buffer only costs
    // memory (heap and direct) for every upload in flight: a thousand open PATCHes held 0.5 GiB
    // with 256 KiB.
    this.writer = new BodyWriter(offsets, fsync, tus.checkpointBytes(), 64 * 1024);
  }

  /** Everyone told about this service's uploads, in order. */
  public UploadListeners listeners() {
    return listeners;
  }

  /** See {@link UploadSessions#openRequestScope()}. */
  public void openRequestScope() {
    sessions.openRequestScope();
  }

  /** See {@link UploadSessions#openReadOnlyScope()}. */
  public void openReadOnlyScope() {
    sessions.openReadOnlyScope();
  }

  public void closeRequestScope() {
    sessions.closeRequestScope();
  }

  public boolean verifiesContent() {
    return verifyContent;
  }

  public UploadFiles files() {
    return files;
  }

  /** Where unfinished uploads' bytes live: read and free them through this, not {@link #files()}. */
  public UploadBytes bytes() {
    return bytes;
  }

  public UploadSessions sessions() {
    return sessions;
  }

  public Clock clock() {
    return clock;
  }

  // ---- our operations ------------------------------------------------------------------------

  /** The live (not expired) row of {@code id}, if {@code ownerKey} owns it. */
  public Optional<UploadRow> findOwned(String id, String ownerKey) {
    return sessions
        .find(id)
        .filter(row -> Objects.equals(row.userId(), ownerKey))
        .filter(row -> row.status() != UploadStatus.FAILED)
        .filter(row -> !row.isExpired(clock.instant()));
  }

  public Optional<UploadRow> find(String id) {
    return sessions.find(id);
  }

  public UploadRow createUpload(NewUpload request)
      throws IOException, QuotaExceededException, CreationGate.Refused {
    listeners.checkCreation(request);
    Instant now = clock.instant();
    String id = UUID.randomUUID().toString();
    UploadRow row = request.toRow(id, now, now.plus(expiration), finishedUrl(id));
    boolean finishedEmpty = row.isFinished();
    bytes.create(id);
    try {
      if (row.userId() == null) {
        sessions.insert(row); // anonymous (auth.mode=none): no per-user quota
      } else {
        Instant dayStart = now.truncatedTo(java.time.temporal.ChronoUnit.DAYS);
        quotas.insertWithinQuota(row, quota.uploadsPerDay(), quota.quotaBytes(), dayStart);
      }
    } catch (QuotaExceededException e) {
      bytes.delete(id);
      listeners.quotaRefused(e.quota());
      throw e;
    } catch (RuntimeException e) {
      bytes.delete(id);
      throw e;
    }
    listeners.created(row);
    log.atInfo()
        .addKeyValue("upload_id", id)
        .addKeyValue("user_id", row.userId())
        .addKeyValue("length", row.length())
        .log("upload.created");
    if (finishedEmpty) {
      listeners.finished(row);
    }
    return row;
  }

  /**
   * Fixes a deferred length (PATCH with Upload-Length); the length can never change after. A
   * signed-in user's byte quota must have room for it, as at creation.
   */
  public UploadRow declareLength(UploadRow row, long length) throws QuotaExceededException {
    if (row.userId() != null) {
      try {
        quotas.declareLengthWithinQuota(row.id(), row.userId(), length, quota.quotaBytes());
      } catch (QuotaExceededException e) {
        listeners.quotaRefused(e.quota());
        throw e;
      }
    }
    sessions.recordProgress(
        row.id(), row.offset(), length, clock.instant(), clock.instant().plus(expiration), finishedUrl(row.id()));
    UploadRow updated = sessions.find(row.id()).orElseThrow();
    if (updated.isFinished()) {
      listeners.finished(updated);
    }
    return updated;
  }

  /**
   * Appends a request body at the row's committed offset and returns the row with its new
   * offset. The body may not run past the declared length (or, while the length is deferred,
   * past the maximum upload size): such a request is refused with 413 and none of its bytes are
   * kept. When the body breaks off (client gone, idle timeout, the lock holder was asked to let
   * go), what arrived is kept, unless a {@link BodyCheck} is pending, since unverified bytes can't
   * be acknowledged.
   */
  public UploadRow appendBody(UploadRow row, InputStream body, BodyCheck check)
      throws IOException, TusException {
    long limit = remaining(row);
    return append(row, new StreamBodySource(body, writer.bufferLength(limit)), check, limit);
  }

  /** As {@link #appendBody(UploadRow, InputStream, BodyCheck)}, for a body read as it arrives. */
  public UploadRow appendBody(UploadRow row, BodySource body, BodyCheck check)
      throws IOException, TusException {
    return append(row, body, check, remaining(row));
  }

  private UploadRow append(UploadRow row, BodySource body, BodyCheck check, long limit)
      throws IOException, TusException {
    if (row.isFinished()) {
      // Clients send an empty PATCH at the final offset when the size is a whole number of their
      // chunks; the file may already be published away, so the answer comes from the row alone.
      BodyWriter.refuseAnyByte(body);
      check.verify();
      return row;
    }
    String id = row.id();
    long began = System.nanoTime();
    long appended;
    try (AppendTarget target = bytes.openForAppend(id)) {
      listeners.appendStarted();
      try {
        appended = writer.append(row, limit, target, body, check, this::verifyHead);
      } finally {
        listeners.appendEnded(); // however the append ends
      }
    }
    UploadRow updated = sessions.find(id).orElseThrow(() -> new UploadNotFoundException("Upload " + id + " was removed"));
    listeners.appended(updated, appended, System.nanoTime() - began);
    if (updated.isFinished()) {
      log.atInfo().addKeyValue("upload_id", id).addKeyValue("length", updated.length()).log("upload.finished");
      listeners.finished(updated);
    }
    return updated;
  }

  /** How many more bytes the upload may take: to its length, or to the cap of a deferred one. */
  private long remaining(UploadRow row) {
    return row.isFinished() ? 0 : (row.length() != null ? row.length() : deferredLengthCap(row)) - row.offset();
  }

  /** The maximum size, and for a signed-in user no more than their quota has room for. */
  private long deferredLengthCap(UploadRow row) {
    if (row.userId() == null) {
      return maxUploadSize;
    }
    return Math.max(row.offset(), Math.min(maxUploadSize, quotas.quotaBytesLeft(row.userId(), quota.quotaBytes())));
  }

  /**
   * Once an upload's first bytes are all there, they must fit its declared type; if not, the
   * upload fails (415), its row says why, and its bytes are freed.
   */
  private void verifyHead(UploadRow row, AppendTarget target, long before, long after)
      throws IOException, TusException {
    boolean headComplete = after >= ContentSignature.HEAD || (row.length() != null && after == row.length());
    if (!verifyContent || before >= ContentSignature.HEAD || !headComplete || after == 0) {
      return;
    }
    if (!ContentSignature.matches(row.contentType(), ContentSignature.head(target, after))) {
      fail(row.id(), "content does not look like " + row.contentType());
      throw TusError.CONTENT_MISMATCH.exception(row.contentType());
    }
  }

  /** Where a finished upload's published copy is recorded. */
  public PublishRecords publishRecords() {
    return publishRecords;
  }

  /** Marks an upload failed with a reason, keeping its bytes (a publish can be retried). */
  public void markFailedKeepingBytes(String id, String reason) {
    sessions.markFailed(id, reason, clock.instant());
    listeners.failed(id, reason);
  }

  /** Marks an upload failed with a reason and frees its bytes. */
  public void fail(String id, String reason) throws IOException {
    sessions.markFailed(id, reason, clock.instant());
    listeners.failed(id, reason);
    bytes.delete(id);
    log.atWarn().addKeyValue("upload_id", id).addKeyValue("reason", reason).log("upload.failed");
  }

  /** Marks a concatenated final as holding all {@code length} bytes (they are already written). */
  void completeConcatenation(UploadRow finalRow, long length) {
    sessions.recordProgress(finalRow.id(), length, length, clock.instant(), null, finishedUrl(finalRow.id()));
    sessions.find(finalRow.id()).ifPresent(listeners::finished);
  }

  /** Marks an upload whose bytes went straight to its provider as finished. */
  public void completeDirect(UploadRow row, long size) {
    sessions.recordProgress(row.id(), size, size, clock.instant(), null, finishedUrl(row.id()));
    try {
      bytes.delete(row.id()); // the empty local file made at creation; the bytes are elsewhere
    } catch (IOException e) {
      log.atWarn().addKeyValue("upload_id", row.id()).setCause(e).log("upload.local_file_not_removed");
    }
    sessions.find(row.id()).ifPresent(listeners::finished);
  }

  /** Marks a chunked upload whose chunks are all stored as finished (the bytes are in place). */
  public void completeChunked(UploadRow row) {
    sessions.recordProgress(row.id(), row.length(), row.length(), clock.instant(), null, finishedUrl(row.id()));
    sessions.find(row.id()).ifPresent(listeners::finished);
    log.atInfo().addKeyValue("upload_id", row.id()).addKeyValue("length", row.length()).log("upload.finished");
  }

  public List<UploadRow> finalsWaitingFor(UploadRow part) {
    return sessions.findFinalsWaitingFor(part.id(), part.userId());
  }

  public String finishedUrl(String id) {
    String base = idFactory.getUploadUri();
    return base + (base.endsWith("/") ? "" : "/") + id;
  }

  private void delete(String id) throws IOException {
    sessions.delete(id);
    bytes.delete(id);
  }

  // ---- what tus-java-server's storage seam reads and sets (see TusUploadStorage) ---------------

  /** The upload id in a URL or path of ours, or null. */
  public String readId(String url) {
    UploadId id = idFactory.readUploadId(url);
    return id == null ? null : id.toString();
  }
  public UploadInfo getUploadInfo(String uploadUrl, String ownerKey) {
    UploadId id = idFactory.readUploadId(uploadUrl);
    if (id == null) {
      return null;
    }
    return findOwned(id.toString(), ownerKey).map(this::toInfo).orElse(null);
  }
  public UploadInfo getUploadInfo(UploadId id) {
    return id == null ? null : sessions.find(id.toString()).map(this::toInfo).orElse(null);
  }
  public RowUploadInfo toInfo(UploadRow row) {
    return new RowUploadInfo(row, clock);
  }
  public String getUploadUri() {
    return idFactory.getUploadUri();
  }
  public void setMaxUploadSize(Long maxUploadSize) {
    if (maxUploadSize != null && maxUploadSize > 0) {
      this.maxUploadSize = maxUploadSize;
    }
  }
  public long getMaxUploadSize() {
    return maxUploadSize;
  }
  /** Removes an upload (row and bytes) after telling the listeners, who remove what it published. */
  public void terminateUpload(UploadInfo uploadInfo) throws IOException {
    if (uploadInfo != null) {
      Optional<UploadRow> row = sessions.find(uploadInfo.getId().toString());
      if (row.isPresent()) {
        listeners.terminated(row.get());
      }
      delete(uploadInfo.getId().toString());
      log.atInfo().addKeyValue("upload_id", uploadInfo.getId().toString()).log("upload.terminated");
    }
  }
  public Long getUploadExpirationPeriod() {
    return expiration.toMillis();
  }
  public void setUploadExpirationPeriod(Long uploadExpirationPeriod) {
    if (uploadExpirationPeriod != null && uploadExpirationPeriod > 0) {
      this.expiration = Duration.ofMillis(uploadExpirationPeriod);
    }
  }
  public void setIdFactory(UploadIdFactory idFactory) {
    this.idFactory = idFactory;
  }
}
