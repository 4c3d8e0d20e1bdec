package com.xeadline.uploads.server.resumable;

import static com.xeadline.uploads.server.resumable.DraftHeaders.LENGTH;
import static com.xeadline.uploads.server.resumable.DraftHeaders.OFFSET;

import com.xeadline.uploads.server.http.JettyBodySource;
import com.xeadline.uploads.tus.upload.BodyCheck;
import com.xeadline.uploads.tus.upload.BodySource;
import com.xeadline.uploads.tus.rows.QuotaExceededException;
import com.xeadline.uploads.tus.upload.UploadService;
import com.xeadline.uploads.tus.upload.UploadLocks;
import com.xeadline.uploads.tus.rows.UploadRow;
import com.xeadline.uploads.tus.protocol.PublicUrls;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import me.desair.tus.server.exception.TusException;
import me.desair.tus.server.exception.UploadAlreadyLockedException;
import me.desair.tus.server.upload.UploadId;
import me.desair.tus.server.upload.UploadType;
import org.eclipse.jetty.http.HttpFields;

/**
 * The draft's operations on an upload resource (append, offset retrieval, cancellation, options)
 * and the resumable creation, on the same rows, files, locks and hooks as tus: every byte goes
 * through {@link UploadService#appendBody}, so it is durable at the same checkpoints. Writers
 * and HEAD hold the upload's lock, which first cuts a request still holding it (the draft's
 * recommended handling of a client that resumes while its old request lingers).
 */
public final class DraftUploads {
  private static final Duration HEAD_GRACE = Duration.ofMillis(500);
  private final UploadService storage;
  private final UploadLocks locks;
  private final PublicUrls urls;
  private final DraftCreations creations;
  private final Duration lockWait;

  public DraftUploads(UploadService storage, UploadLocks locks, DraftCreations creations, PublicUrls urls, Duration lockWait) {
    this.storage = storage;
    this.locks = locks;
    this.creations = creations;
    this.urls = urls;
    this.lockWait = lockWait;
  }

  /** POST: creates the upload, announces it in a 104 and takes in the content that came along. */
  void create(HttpServletRequest request, HttpServletResponse response, InteropVersion version, String owner, Runnable cut)
      throws IOException, DraftProblem {
    Boolean complete = DraftHeaders.complete(request, version);
    if (complete == null) {
      throw new DraftProblem(400, completeHeader(version) + " must be ?0 or ?1 on a creation request");
    }
    UploadRow row = creations.create(request, owner, complete);
    String location = urls.upload(request, row.id());
    // Every answer to this request, the 104 and a failure included, names the same resource.
    response.setHeader("Location", location);
    try (UploadLocks.Lease lease = locks.acquire(row.id(), lockWait, cut)) {
      HttpFields.Mutable announcement = HttpFields.build().put("Location", location).put(InteropVersion.HEADER, version.toString());
      if (version.hasLimits()) {
        announcement.put(DraftHeaders.LIMIT, limits(version, row));
      }
      InterimResponse.send(request, InterimResponse.UPLOAD_RESUMPTION_SUPPORTED, "Upload Resumption Supported", announcement);
      row = receive(request, row, complete, row.length());
    } catch (UploadAlreadyLockedException e) {
      throw new DraftProblem(423, e.getMessage());
    }
    response.setStatus(HttpServletResponse.SC_CREATED);
    describe(response, version, row);
  }

  /** PATCH: appends at the offset the client names, which must be the upload's. */
  void append(HttpServletRequest request, HttpServletResponse response, InteropVersion version, String owner, Runnable cut)
      throws IOException, DraftProblem {
    if (version.requiresPartialUpload() && !DraftHeaders.isPartialUpload(request)) {
      throw new DraftProblem(415, "An append must have Content-Type: " + DraftHeaders.PARTIAL_UPLOAD);
    }
    Long provided = DraftHeaders.integer(request, OFFSET);
    if (provided == null) {
      throw new DraftProblem(400, "An append must carry Upload-Offset as a non-negative integer");
    }
    Boolean said = DraftHeaders.complete(request, version);
    // -01 marked only the parts that were not the last; later versions mark the last one.
    boolean complete = said != null ? said : version.usesIncomplete();
    String id = owned(request, owner).id();
    try (UploadLocks.Lease lease = locks.acquire(id, lockWait, cut)) {
      UploadRow row = owned(request, owner);
      checkAppendable(response, version, row);
      if (provided != row.offset()) {
        describe(response, version, row);
        throw DraftProblem.mismatchingOffset(row.offset(), provided);
      }
      Long length = declaredLength(request, row.offset(), row.length(), complete);
      row = receive(request, row, complete, length);
      response.setStatus(HttpServletResponse.SC_NO_CONTENT);
      describe(response, version, row);
    } catch (UploadAlreadyLockedException e) {
      throw new DraftProblem(423, e.getMessage());
    }
  }

  /** HEAD: the offset after any request still writing has been cut and has saved what it got. */
  void head(HttpServletRequest request, HttpServletResponse response, InteropVersion version, String owner, Runnable cut)
      throws DraftProblem {
    String id = owned(request, owner).id();
    awaitUnlocked(id);
    try (UploadLocks.Lease lease = locks.acquire(id, lockWait, cut)) {
      UploadRow row = owned(request, owner);
      response.setStatus(HttpServletResponse.SC_NO_CONTENT);
      response.setHeader("Cache-Control", "no-store");
      describe(response, version, row);
    } catch (UploadAlreadyLockedException e) {
      throw new DraftProblem(423, e.getMessage());
    }
  }

  /**
   * A client that lost its connection usually asks for the offset at once, while the server is
   * still reading what the connection delivered before it closed. Cutting that request now would
   * drop those bytes; it is given a moment to end by itself first.
   */
  private void awaitUnlocked(String id) {
    long deadline = System.nanoTime() + HEAD_GRACE.toNanos();
    while (locks.isLocked(id) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** DELETE: the upload, its bytes and whatever it published are removed. */
  void cancel(HttpServletRequest request, HttpServletResponse response, InteropVersion version, String owner, Runnable cut)
      throws IOException, DraftProblem {
    String id = owned(request, owner).id();
    try (UploadLocks.Lease lease = locks.acquire(id, lockWait, cut)) {
      owned(request, owner);
      storage.terminateUpload(storage.getUploadInfo(new UploadId(id)));
      response.setStatus(HttpServletResponse.SC_NO_CONTENT);
      response.setHeader(InteropVersion.HEADER, version.toString());
    } catch (UploadAlreadyLockedException e) {
      throw new DraftProblem(423, e.getMessage());
    }
  }

  /** OPTIONS: resumable uploads are taken here, within these limits. */
  void options(HttpServletResponse response, InteropVersion version) {
    response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    response.setHeader("Accept-Patch", DraftHeaders.PARTIAL_UPLOAD);
    response.setHeader(InteropVersion.HEADER, version.toString());
    if (version.hasLimits()) {
      response.setHeader(DraftHeaders.LIMIT, "max-size=" + storage.getMaxUploadSize());
    }
  }

  /** A body without a digest to compute is read from Jetty's own buffers, with no copy. */
  private UploadRow appendAsItArrives(HttpServletRequest request, UploadRow row) throws IOException, TusException {
    BodySource direct = JettyBodySource.of(request);
    return direct != null
        ? storage.appendBody(row, direct, BodyCheck.NONE)
        : storage.appendBody(row, request.getInputStream(), BodyCheck.NONE);
  }

  /**
   * Streams the content in (when there is any) after fixing a length the request declares, then
   * completes the upload when the request says it ends it.
   */
  private UploadRow receive(HttpServletRequest request, UploadRow row, boolean complete, Long length)
      throws IOException, DraftProblem {
    if (length != null && length > storage.getMaxUploadSize()) {
      throw new DraftProblem(413, "The upload's length " + length + " exceeds the maximum size " + storage.getMaxUploadSize());
    }
    if (length != null && row.length() == null) {
      row = declare(row, length);
    }
    if (DraftCreations.hasContent(request)) {
      ReprDigestCheck digest = digestCheck(request, row, complete);
      try {
        row = digest == null
            ? appendAsItArrives(request, row)
            : storage.appendBody(row, digest.wrap(request.getInputStream()), digest);
      } catch (TusException e) {
        if (digest != null && digest.failed()) {
          // The representation is not what the client meant to send: resending the rest cannot fix it.
          storage.fail(row.id(), e.getMessage());
          throw new DraftProblem(400, e.getMessage());
        }
        throw problemOf(e, row);
      }
    }
    if (complete) {
      if (row.length() == null) {
        row = declare(row, row.offset());
      } else if (row.offset() != row.length()) {
        throw new DraftProblem(
            400,
            DraftProblem.Kind.INCONSISTENT_LENGTH,
            "The content ends at offset " + row.offset() + " but the upload's length is " + row.length());
      }
    }
    return row;
  }

  /**
   * A Repr-Digest check for content that may end the upload, with the digest this request sends
   * or the one its creation sent; null when there is none or the upload cannot end here.
   */
  private ReprDigestCheck digestCheck(HttpServletRequest request, UploadRow row, boolean complete) throws IOException {
    String header = request.getHeader(ReprDigestCheck.HEADER);
    if (header == null && row.metadata() != null) {
      header = row.metadata().get(ReprDigestCheck.METADATA_KEY);
    }
    Optional<ReprDigestCheck.Expected> expected = ReprDigestCheck.parse(header);
    long contentLength = request.getContentLengthLong();
    boolean mayEnd = complete || (row.length() != null && contentLength >= 0 && row.offset() + contentLength == row.length());
    return expected.isPresent() && mayEnd ? ReprDigestCheck.over(expected.get(), storage.bytes(), row, complete) : null;
  }

  private UploadRow declare(UploadRow row, long length) throws DraftProblem {
    try {
      return storage.declareLength(row, length);
    } catch (QuotaExceededException e) {
      throw new DraftProblem(403, e.getMessage());
    }
  }

  /**
   * The length a request implies: its Upload-Length, or for content that ends the upload its
   * offset plus Content-Length. All that are known must agree, and the content must fit.
   */
  static Long declaredLength(HttpServletRequest request, long offset, Long known, boolean complete) throws DraftProblem {
    Long length = DraftHeaders.integer(request, LENGTH);
    long contentLength = request.getContentLengthLong();
    if (complete && contentLength >= 0) {
      long total = offset + contentLength;
      if (length != null && length != total) {
        throw inconsistent("Upload-Length is " + length + " but the content ends the upload at " + total);
      }
      length = total;
    }
    if (known != null && length != null && !known.equals(length)) {
      throw inconsistent("The upload's length is " + known + ", not " + length);
    }
    Long limit = length != null ? length : known;
    if (limit != null && offset + Math.max(0, contentLength) > limit) {
      throw inconsistent("The content would take the upload past its length " + limit);
    }
    return length;
  }

  private static DraftProblem inconsistent(String detail) {
    return new DraftProblem(400, DraftProblem.Kind.INCONSISTENT_LENGTH, detail);
  }

  private void checkAppendable(HttpServletResponse response, InteropVersion version, UploadRow row) throws DraftProblem {
    if (row.isFinished()) {
      describe(response, version, row);
      throw new DraftProblem(400, DraftProblem.Kind.COMPLETED_UPLOAD, "The upload is already complete");
    }
    if (UploadType.CONCATENATED.name().equals(row.uploadType())) {
      throw new DraftProblem(403, "A final concatenation takes no appends; its parts do");
    }
    if (row.isChunked() || row.storageProvider() != null) {
      throw new DraftProblem(409, "This upload is written through the JSON API and takes no appends here");
    }
  }

  /** A storage refusal as the draft's problem; a 409 is always about the offset. */
  private DraftProblem problemOf(TusException e, UploadRow before) {
    if (e.getStatus() == 409) {
      long current = storage.find(before.id()).map(UploadRow::offset).orElse(before.offset());
      return DraftProblem.mismatchingOffset(current, before.offset());
    }
    return new DraftProblem(e.getStatus(), e.getMessage());
  }

  /** The caller's live upload the request's URI names; 404 otherwise. */
  private UploadRow owned(HttpServletRequest request, String owner) throws DraftProblem {
    String id = storage.readId(request.getRequestURI());
    return (id == null ? Optional.<UploadRow>empty() : storage.findOwned(id, owner))
        .orElseThrow(() -> new DraftProblem(404, "The upload " + request.getRequestURI() + " was not found"));
  }

  /** The upload's state, as every successful answer (and the offset problems) carry it. */
  private void describe(HttpServletResponse response, InteropVersion version, UploadRow row) {
    response.setHeader(InteropVersion.HEADER, version.toString());
    response.setHeader(OFFSET, Long.toString(row.offset()));
    DraftHeaders.setComplete(response, version, row.isFinished());
    if (row.length() != null) {
      response.setHeader(LENGTH, Long.toString(row.length()));
    }
    if (version.hasLimits()) {
      response.setHeader(DraftHeaders.LIMIT, limits(version, row));
    }
  }

  private String limits(InteropVersion version, UploadRow row) {
    return DraftHeaders.limits(
        version, storage.getMaxUploadSize(), row.isFinished() ? null : row.expiresAt(), storage.clock().instant());
  }

  private static String completeHeader(InteropVersion version) {
    return version.usesIncomplete() ? DraftHeaders.INCOMPLETE : DraftHeaders.COMPLETE;
  }
}
