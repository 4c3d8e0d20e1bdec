package com.xeadline.uploads.tus.upload;

import com.xeadline.uploads.storage.StoredObject;
import com.xeadline.uploads.storage.UploadParts;
import com.xeadline.uploads.storage.UploadParts.Part;
import com.xeadline.uploads.tus.rows.UploadPartRows;
import com.xeadline.uploads.tus.rows.UploadRow;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bytes of unfinished uploads as recorded part objects (storage.in-progress=gcs): what the
 * append, publishing, concatenation, reading and removal do instead of touching a local file.
 * Only recorded parts are ever read or composed; unrecorded ones (a node died, a writer was
 * superseded) go with {@link #discard}.
 */
public final class InProgressParts implements UploadBytes {
  private static final Logger log = LoggerFactory.getLogger(InProgressParts.class);

  private final UploadParts parts;
  private final UploadPartRows rows;
  private final Path spoolDir;

  /** {@code spoolDir}: this node's own directory for the bytes of a request not yet committed. */
  public InProgressParts(UploadParts parts, UploadPartRows rows, Path spoolDir) {
    this.parts = parts;
    this.rows = rows;
    this.spoolDir = spoolDir;
  }

  /** Nothing: an upload's first part makes its prefix. */
  @Override
  public void create(String id) {}

  @Override
  public AppendTarget openForAppend(String uploadId) throws IOException {
    return PartAppendTarget.open(uploadId, parts, rows, spoolDir);
  }

  @Override
  public boolean holds(String id, long length) {
    return UploadPartRows.contiguousEnd(rows.list(id)) >= length;
  }

  /** The rows go with the upload's; objects a failing bucket keeps are debris, logged, not an error of the caller's. */
  @Override
  public void delete(String id) {
    discardQuietly(id);
  }

  @Override
  public boolean inBucket() {
    return true;
  }

  /** The recorded parts, checked to run without a gap from 0 to {@code length}. */
  public List<Part> recorded(String uploadId, long length) throws IOException {
    List<Part> recorded = rows.list(uploadId);
    long end = UploadPartRows.contiguousEnd(recorded);
    if (end != length) {
      throw new IOException("upload " + uploadId + ": recorded parts hold " + end + " bytes, not " + length);
    }
    return recorded;
  }

  /** {@code length} bytes of the upload from {@code offset}, read across its recorded parts. */
  @Override
  public InputStream open(String uploadId, long offset, long length) throws IOException {
    return parts.open(rows.list(uploadId), offset, length);
  }

  /** Composes a finished upload's parts into its final object at {@code key}. */
  public StoredObject compose(UploadRow row, String key, String contentType, Map<String, String> metadata) throws IOException {
    return parts.compose(recorded(row.id(), row.length()), key, contentType, metadata);
  }

  /**
   * Gives a concatenation's final the bytes of its partial uploads, in order, as one part of its
   * own (compose; the partials keep theirs, as tus lets a client reuse them). Answers the length.
   * Idempotent: a final that already holds its part (a crash before its row was completed) keeps it.
   */
  public long concatenate(String finalId, List<UploadRow> partials) throws IOException {
    List<Part> sources = new ArrayList<>();
    long total = 0;
    for (UploadRow partial : partials) {
      sources.addAll(recorded(partial.id(), partial.length()));
      total += partial.length();
    }
    composeInto(finalId, sources, total);
    return total;
  }

  /**
   * Composes {@code sources} (of {@code total} bytes, in order) into the one recorded part of
   * {@code uploadId}, unless it already holds that part (a crash before its row was completed).
   */
  public void composeInto(String uploadId, List<Part> sources, long total) throws IOException {
    if (total == 0 || UploadPartRows.contiguousEnd(rows.list(uploadId)) == total) {
      return;
    }
    Part joined = parts.composePart(uploadId, 0, sources);
    rows.advanceWithPart(uploadId, joined, () -> true);
  }

  /** Writes {@code length} bytes as an object of the upload that no row records yet (a legacy chunk). */
  public Part writeLoose(String uploadId, long start, InputStream data, long length) throws IOException {
    return parts.write(uploadId, start, data, length);
  }

  /** Reads {@code length} bytes from {@code offset} of the given parts (a legacy chunk's object). */
  public InputStream open(List<Part> from, long offset, long length) throws IOException {
    return parts.open(from, offset, length);
  }

  /** Deletes every part object of the upload and forgets the rows (completion, termination, expiry). */
  public void discard(String uploadId) throws IOException {
    parts.deleteAll(uploadId);
    rows.forgetAll(uploadId);
  }

  /**
   * Deletes the part objects of uploads that have no row (their removal could not delete them, or
   * a node died mid-part after the upload went); {@code existing} answers which ids have a row.
   * Returns how many uploads' parts went.
   */
  public int sweepOrphans(java.util.function.Function<java.util.Collection<String>, java.util.Set<String>> existing)
      throws IOException {
    java.util.Set<String> withParts = parts.uploadsWithParts();
    java.util.Set<String> live = existing.apply(withParts);
    int swept = 0;
    for (String id : withParts) {
      if (!live.contains(id)) {
        parts.deleteAll(id);
        swept++;
        log.atInfo().addKeyValue("upload_id", id).log("cleanup.orphan_parts_removed");
      }
    }
    return swept;
  }

  /** As {@link #discard}, logging instead of failing: the parts are debris an orphan sweep may take. */
  public void discardQuietly(String uploadId) {
    try {
      discard(uploadId);
    } catch (IOException | RuntimeException e) {
      log.atWarn().addKeyValue("upload_id", uploadId).setCause(e).log("upload.parts_not_deleted");
    }
  }
}
