package com.xeadline.uploads.tus.legacy;

import com.xeadline.uploads.tus.upload.InProgressParts;
import com.xeadline.uploads.tus.upload.UploadFiles;
import com.xeadline.uploads.tus.rows.UploadRow;
import com.xeadline.uploads.tus.rows.UploadSessions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where legacy chunks are kept until completion puts them in order: the upload's file on this
 * disk ({@link ChunkPlacement}), or objects in the bucket ({@link ChunkParts},
 * storage.in-progress=gcs).
 */
public interface ChunkStore {
  /** A stored chunk's size and whether it sits at its place in the upload's file. */
  record Placed(long bytes, boolean inPlace) {}

  static ChunkStore onDisk(UploadFiles files, UploadSessions sessions, long maxChunkSize, boolean fsync) {
    return new ChunkPlacement(files, sessions, maxChunkSize, fsync);
  }

  static ChunkStore asParts(InProgressParts parts, ChunkRows chunks, Path spoolDir, long maxChunkSize) {
    return new ChunkParts(parts, chunks, spoolDir, maxChunkSize);
  }

  /** Stores chunk {@code index} (the caller holds its claim); refuses an empty or oversized one. */
  Placed place(UploadRow row, int index, ChunkBody body) throws IOException, ApiProblem;

  /** The first bytes of a stored chunk (for the content check of chunk 0). */
  byte[] head(UploadRow row, int index, Placed placed, int max) throws IOException;

  /** Puts the stored chunks in their order as the upload's bytes. The caller holds the upload's lock. */
  void join(UploadRow row, List<ChunkRows.StoredChunk> chunks) throws IOException;

  /** Finishes a join (again, after a crash); nothing when there is nothing left to do. */
  void finishJoin(UploadRow row) throws IOException;

  /** The first {@code n} bytes of a completed (joined) upload. */
  byte[] firstBytes(UploadRow row, int n) throws IOException;
}
