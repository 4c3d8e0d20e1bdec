package com.xeadline.uploads.tus.upload;

import com.xeadline.uploads.storage.UploadParts;
import com.xeadline.uploads.storage.UploadParts.Part;
import com.xeadline.uploads.tus.rows.UploadPartRows;
import com.xeadline.uploads.tus.rows.UploadRow;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An upload's part objects as the target of an append (storage.in-progress=gcs). The bytes of the
 * request since the last commit are spooled to a local file (this node's, never shared); a commit
 * writes them as one part object and records it in the transaction that moves the offset, so an
 * offset is acknowledged only once its bytes are finalized in the bucket. Bytes never committed
 * are just the spool: a node that dies loses nothing acknowledged.
 */
final class PartAppendTarget implements AppendTarget {
  private static final Logger log = LoggerFactory.getLogger(PartAppendTarget.class);

  private final String uploadId;
  private final UploadParts parts;
  private final UploadPartRows rows;
  private final Path spoolPath;
  private final FileChannel spool;
  private List<Part> recorded;
  private long recordedEnd;

  private PartAppendTarget(String uploadId, UploadParts parts, UploadPartRows rows, Path spoolPath) throws IOException {
    this.uploadId = uploadId;
    this.parts = parts;
    this.rows = rows;
    this.spoolPath = spoolPath;
    this.spool = FileChannel.open(spoolPath, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE);
    reload();
  }

  static PartAppendTarget open(String uploadId, UploadParts parts, UploadPartRows rows, Path spoolDir) throws IOException {
    Path spool = Files.createTempFile(Files.createDirectories(spoolDir), uploadId + "-", ".spool");
    return new PartAppendTarget(uploadId, parts, rows, spool);
  }

  private void reload() {
    recorded = new ArrayList<>(rows.list(uploadId));
    recordedEnd = UploadPartRows.contiguousEnd(recorded);
  }

  /** The recorded bytes (a gap-free run from 0) and what is spooled above them. */
  @Override
  public long size() throws IOException {
    return recordedEnd + spool.size();
  }

  /**
   * Drops bytes from {@code size} on: spooled ones are cut; recorded parts at or above it are
   * forgotten and their objects deleted (a refused body's checkpoints). {@code size} is always
   * the start or a commit of an append, so it falls on a part boundary.
   */
  @Override
  public void truncate(long size) throws IOException {
    if (size >= recordedEnd) {
      spool.truncate(size - recordedEnd);
      return;
    }
    spool.truncate(0);
    for (Part gone : rows.forgetFrom(uploadId, size)) {
      deleteQuietly(gone);
    }
    reload();
    if (recordedEnd != size) {
      throw new IOException("upload " + uploadId + ": recorded parts end at " + recordedEnd + ", not at " + size);
    }
  }

  /** Parts are written in order only: the next write must go where the bytes end. */
  @Override
  public void seek(long position) throws IOException {
    if (position != size()) {
      throw new IOException("upload " + uploadId + ": parts are appended at " + size() + ", not at " + position);
    }
  }

  @Override
  public void write(ByteBuffer[] buffers) throws IOException {
    long left = 0;
    for (ByteBuffer buffer : buffers) {
      left += buffer.remaining();
    }
    spool.position(spool.size());
    while (left > 0) {
      left -= spool.write(buffers);
    }
  }

  /** Nothing: spooled bytes count only once {@link #commit} has made them a part. */
  @Override
  public void force() {}

  @Override
  public int read(ByteBuffer into, long position) throws IOException {
    if (position >= recordedEnd) {
      return spool.read(into, position - recordedEnd);
    }
    int n = (int) Math.min(into.remaining(), recordedEnd - position);
    try (InputStream in = parts.open(recorded, position, n)) {
      byte[] bytes = in.readNBytes(n);
      into.put(bytes);
      return bytes.length;
    }
  }

  /**
   * Writes the spooled bytes {@code [from, to)} as one part, then runs {@code advanceOffset} (the
   * offset's compare-and-set from {@code from} to {@code to}) and records the part in one
   * transaction. False when the compare-and-set fails (another writer took the upload over): the
   * part is then deleted, never recorded. A bucket that refuses the part is a {@link StorageFailure}.
   */
  @Override
  public boolean commit(Offsets offsets, UploadRow row, long from, long to) throws IOException {
    return commit(from, to, () -> offsets.advance(row, from, to));
  }

  boolean commit(long from, long to, BooleanSupplier advanceOffset) throws IOException {
    if (from != recordedEnd || to - from != spool.size()) {
      throw new IOException("upload " + uploadId + ": commit of " + from + "-" + to + " but parts end at " + recordedEnd
          + " with " + spool.size() + " bytes spooled");
    }
    if (to == from) {
      return advanceOffset.getAsBoolean();
    }
    Part part;
    try {
      part = parts.write(uploadId, from, new SpoolReader(), to - from);
    } catch (IOException e) {
      throw new StorageFailure(e);
    }
    if (!rows.advanceWithPart(uploadId, part, advanceOffset)) {
      deleteQuietly(part);
      return false;
    }
    recorded.add(part);
    recordedEnd = part.end();
    spool.truncate(0);
    return true;
  }

  /** The spool from its start, by positional reads: the channel stays open (its file is already unlinked). */
  private final class SpoolReader extends InputStream {
    private long position;

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = spool.read(ByteBuffer.wrap(b, off, len), position);
      if (n > 0) {
        position += n;
      }
      return n;
    }
  }

  private void deleteQuietly(Part part) {
    try {
      parts.delete(part);
    } catch (IOException | RuntimeException e) {
      // An unrecorded part is debris either way: deleteAll takes it with the upload.
      log.atWarn().addKeyValue("upload_id", uploadId).addKeyValue("key", part.key()).setCause(e).log("upload.part_not_deleted");
    }
  }

  @Override
  public void close() throws IOException {
    spool.close();
    Files.deleteIfExists(spoolPath);
  }
}
