package com.xeadline.uploads.tus.legacy;

import com.xeadline.uploads.tus.upload.UploadFiles;
import com.xeadline.uploads.tus.rows.UploadRow;
import com.xeadline.uploads.tus.upload.UploadRules;
import com.xeadline.uploads.tus.rows.UploadSessions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.OptionalLong;

/**
 * Where the bytes of one legacy chunk go. Clients cut files into chunks of their own size: once
 * that size is known (declared at init, or learned from a chunk) chunk {@code i} is streamed
 * straight to {@code i * chunkSize} in the upload's file, and completion costs nothing. A chunk
 * whose size is not yet known, or differs from the fixed one, is spilled to a file of its own;
 * it is moved to its place when it teaches the fixed size, or else joined in at completion.
 */
final class ChunkPlacement implements ChunkStore {
  private final UploadFiles files;
  private final UploadSessions sessions;
  private final long maxChunkSize;
  private final boolean fsync;

  ChunkPlacement(UploadFiles files, UploadSessions sessions, long maxChunkSize, boolean fsync) {
    this.files = files;
    this.sessions = sessions;
    this.maxChunkSize = maxChunkSize;
    this.fsync = fsync;
  }

  @Override
  public Placed place(UploadRow row, int index, ChunkBody body) throws IOException, ApiProblem {
    Long chunkSize = row.chunkSize();
    long expected = chunkSize == null ? 0 : expectedSize(row, index, chunkSize);
    if (expected > 0) {
      long written;
      try (FileChannel file = files.openForWrite(row.id())) {
        written = body.copyTo(file, index * chunkSize, expected);
        if (written == expected && body.ended()) {
          force(file);
          return new Placed(expected, true);
        }
        // Not the fixed size: this chunk goes to its own file, starting with what was read.
        Path spill = files.chunkPath(row.id(), index);
        try (FileChannel out = openSpill(spill)) {
          transfer(file, index * chunkSize, written, out);
          long size = checkSize(row, written + body.copyTo(out, written, maxChunkSize + 1 - written), body);
          force(out);
          return new Placed(size, false);
        }
      }
    }
    Path spill = files.chunkPath(row.id(), index);
    long size;
    boolean inPlace = false;
    try (FileChannel out = openSpill(spill)) {
      size = checkSize(row, body.copyTo(out, 0, maxChunkSize + 1), body);
      OptionalLong candidate = impliedChunkSize(row, index, size);
      if (candidate.isPresent()
          && sessions.learnChunkSize(row.id(), candidate.getAsLong()) == candidate.getAsLong()) {
        try (FileChannel file = files.openForWrite(row.id())) {
          file.position(index * candidate.getAsLong());
          transfer(out, 0, size, file);
          force(file);
        }
        inPlace = true;
      } else {
        force(out); // it stays in its own file until completion joins it
      }
    }
    if (inPlace) {
      // Never forced: deleted before the disk had to write it (its bytes are in place, forced).
      Files.delete(spill);
    }
    return new Placed(size, inPlace);
  }

  @Override
  public byte[] head(UploadRow row, int index, Placed placed, int max) throws IOException {
    int n = (int) Math.min(max, placed.bytes());
    ByteBuffer head = ByteBuffer.allocate(n);
    long position = placed.inPlace() ? index * row.chunkSize() : 0;
    try (FileChannel in =
        placed.inPlace() ? files.openForRead(row.id()) : FileChannel.open(files.chunkPath(row.id(), index), StandardOpenOption.READ)) {
      while (head.hasRemaining() && in.read(head, position + head.position()) >= 0) {
        // read until full or the end
      }
    }
    return java.util.Arrays.copyOf(head.array(), head.position());
  }

  /**
   * Writes the chunks in their order into a new file (a kernel-side copy from their places or
   * their own files) and puts it in the upload file's place. The caller holds the upload's lock.
   */
  @Override
  public void join(UploadRow row, List<ChunkRows.StoredChunk> chunks) throws IOException {
    Path joined = files.chunkDir(row.id()).resolve("joined.tmp");
    Files.createDirectories(joined.getParent());
    try (FileChannel out =
        FileChannel.open(joined, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      try (FileChannel file = files.openForRead(row.id())) {
        for (ChunkRows.StoredChunk chunk : chunks) {
          if (chunk.inPlace()) {
            transfer(file, chunk.index() * row.chunkSize(), chunk.bytes(), out);
          } else {
            try (FileChannel in = FileChannel.open(files.chunkPath(row.id(), chunk.index()), StandardOpenOption.READ)) {
              transfer(in, 0, chunk.bytes(), out);
            }
          }
        }
      }
      out.force(true); // the join replaces the only copy of the in-place chunks: always durable
    }
  }

  /** Puts a finished join in place of the upload's file (again, after a crash, if it is still there). */
  @Override
  public void finishJoin(UploadRow row) throws IOException {
    Path joined = files.chunkDir(row.id()).resolve("joined.tmp");
    if (Files.exists(joined)) {
      Files.move(joined, files.path(row.id()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
    files.deleteChunks(row.id());
  }

  @Override
  public byte[] firstBytes(UploadRow row, int n) throws IOException {
    try (InputStream in = files.openStream(row.id())) {
      return in.readNBytes((int) Math.min(n, row.length()));
    }
  }

  /** The size chunk {@code index} has when all chunks but the last are {@code chunkSize} bytes. */
  static long expectedSize(UploadRow row, int index, long chunkSize) {
    return index == row.totalChunks() - 1 ? row.length() - index * chunkSize : chunkSize;
  }

  /** Whether {@code chunkSize} can cut a file of {@code length} bytes into exactly {@code total} chunks. */
  static boolean fits(long chunkSize, long length, int total) {
    return chunkSize > 0 && chunkSize * (total - 1) < length && chunkSize * total >= length;
  }

  /**
   * The fixed chunk size a chunk of {@code size} bytes at {@code index} tells: its own size for any
   * chunk but the last; for the last, the size that leaves it as the remainder.
   */
  private OptionalLong impliedChunkSize(UploadRow row, int index, long size) {
    int total = row.totalChunks();
    long candidate;
    if (index < total - 1) {
      candidate = size;
    } else if (total > 1 && (row.length() - size) % (total - 1) == 0) {
      candidate = (row.length() - size) / (total - 1);
      if (candidate < size) {
        return OptionalLong.empty();
      }
    } else {
      return OptionalLong.empty();
    }
    return candidate <= maxChunkSize && fits(candidate, row.length(), total)
        ? OptionalLong.of(candidate)
        : OptionalLong.empty();
  }

  /** The chunk's size, once its bytes are on disk; 400 when it is empty or over the limit. */
  private long checkSize(UploadRow row, long size, ChunkBody body) throws IOException, ApiProblem {
    if (size == 0) {
      throw ApiProblem.invalid(List.of(new UploadRules.Violation("chunk", "must not be empty")));
    }
    long limit = Math.min(maxChunkSize, row.length());
    if (size > limit || !body.ended()) {
      throw ApiProblem.invalid(List.of(new UploadRules.Violation("chunk", "must be at most " + limit + " bytes")));
    }
    return size;
  }

  /** A kernel-side copy (sendfile / copy_file_range) of {@code count} bytes from {@code position}. */
  private static void transfer(FileChannel in, long position, long count, FileChannel out) throws IOException {
    long done = 0;
    while (done < count) {
      long n = in.transferTo(position + done, count - done, out);
      if (n <= 0) {
        throw new IOException("chunk bytes missing at " + (position + done));
      }
      done += n;
    }
  }

  private static FileChannel openSpill(Path spill) throws IOException {
    return FileChannel.open(spill, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  private void force(FileChannel channel) throws IOException {
    if (fsync) {
      channel.force(false);
    }
  }
}
