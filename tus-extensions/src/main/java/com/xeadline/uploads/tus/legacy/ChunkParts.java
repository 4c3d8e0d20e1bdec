package com.xeadline.uploads.tus.legacy;

import com.xeadline.uploads.storage.UploadParts.Part;
import com.xeadline.uploads.tus.upload.InProgressParts;
import com.xeadline.uploads.tus.rows.UploadRow;
import com.xeadline.uploads.tus.upload.UploadRules;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Legacy chunks as objects in the bucket (storage.in-progress=gcs): each chunk is spooled to this
 * node's disk (to know its size), written as one object and named in its chunk row; completion
 * composes them in index order into the upload's one recorded part. Any node can take any chunk.
 */
final class ChunkParts implements ChunkStore {
  private final InProgressParts parts;
  private final ChunkRows chunks;
  private final Path spoolDir;
  private final long maxChunkSize;

  ChunkParts(InProgressParts parts, ChunkRows chunks, Path spoolDir, long maxChunkSize) {
    this.parts = parts;
    this.chunks = chunks;
    this.spoolDir = spoolDir;
    this.maxChunkSize = maxChunkSize;
  }

  @Override
  public Placed place(UploadRow row, int index, ChunkBody body) throws IOException, ApiProblem {
    long limit = Math.min(maxChunkSize, row.length());
    Path spool = Files.createTempFile(Files.createDirectories(spoolDir), row.id() + "-" + index + "-", ".chunk");
    try {
      long size;
      try (FileChannel out = FileChannel.open(spool, StandardOpenOption.WRITE)) {
        size = body.copyTo(out, 0, limit + 1);
      }
      if (size == 0) {
        throw ApiProblem.invalid(List.of(new UploadRules.Violation("chunk", "must not be empty")));
      }
      if (size > limit) {
        throw ApiProblem.invalid(List.of(new UploadRules.Violation("chunk", "must be at most " + limit + " bytes")));
      }
      Part object;
      try (InputStream in = Files.newInputStream(spool)) {
        object = parts.writeLoose(row.id(), index, in, size);
      }
      chunks.recordObject(row.id(), index, object.key(), object.generation());
      return new Placed(size, false);
    } finally {
      Files.deleteIfExists(spool);
    }
  }

  @Override
  public byte[] head(UploadRow row, int index, Placed placed, int max) throws IOException {
    Part object = chunks.object(row.id(), index).orElseThrow(() -> new IOException("chunk " + index + " has no object"));
    int n = (int) Math.min(max, placed.bytes());
    try (InputStream in = parts.open(List.of(new Part(object.key(), 0, placed.bytes(), object.generation())), 0, n)) {
      return in.readNBytes(n);
    }
  }

  @Override
  public void join(UploadRow row, List<ChunkRows.StoredChunk> stored) throws IOException {
    List<Part> sources = new ArrayList<>();
    long at = 0;
    for (ChunkRows.StoredChunk chunk : stored) {
      Part object = chunks.object(row.id(), chunk.index()).orElseThrow(() -> new IOException("chunk " + chunk.index() + " has no object"));
      sources.add(new Part(object.key(), at, at + chunk.bytes(), object.generation()));
      at += chunk.bytes();
    }
    parts.composeInto(row.id(), sources, at);
  }

  /** The join recorded the composed part itself: nothing is left to move. */
  @Override
  public void finishJoin(UploadRow row) {}

  @Override
  public byte[] firstBytes(UploadRow row, int n) throws IOException {
    try (InputStream in = parts.open(row.id(), 0, Math.min(n, row.length()))) {
      return in.readAllBytes();
    }
  }
}
