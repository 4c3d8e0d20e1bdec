package com.xeadline.uploads.tus.legacy;

import com.xeadline.uploads.tus.upload.BodySource;
import com.xeadline.uploads.tus.upload.StreamBodySource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of one chunk as they arrive ({@link BodySource}: the server's own buffers when the
 * chunk comes straight off the connection), copied to a file in large gathering writes with no
 * copy of ours, as the tus append does. Nothing is held while the client is slow: the buffers of a
 * batch are given back once written, before waiting for more.
 */
public final class ChunkBody {
  /** The most a batch of received buffers holds before it is written (as the tus append's). */
  static final int BATCH_BYTES = 1 << 20;

  private final BodySource source;
  /** Bytes of a buffer beyond the last copy's limit: still unread, so nothing is released yet. */
  private ByteBuffer rest;

  public ChunkBody(BodySource source) {
    this.source = source;
  }

  /** A chunk read from a stream (a chunk spilled before its fields, tests), through one small buffer. */
  public static ChunkBody of(InputStream in) {
    return new ChunkBody(new StreamBodySource(in, 64 * 1024));
  }

  /**
   * Writes up to {@code max} bytes of the chunk to {@code out} from {@code position} on (moving the
   * channel's position) and answers how many; bytes past {@code max} stay for the next call.
   */
  public long copyTo(FileChannel out, long position, long max) throws IOException {
    out.position(position);
    List<ByteBuffer> batch = new ArrayList<>();
    long batched = 0;
    long written = 0;
    while (written + batched < max) {
      ByteBuffer bytes = next();
      if (bytes == null) {
        if (batched > 0) {
          written += write(out, batch);
          batched = 0;
          continue;
        }
        if (!source.await()) {
          break;
        }
        continue;
      }
      long room = max - written - batched;
      if (bytes.remaining() > room) {
        rest = bytes.slice(bytes.position() + (int) room, bytes.remaining() - (int) room);
        bytes = bytes.slice(bytes.position(), (int) room);
      }
      batch.add(bytes);
      batched += bytes.remaining();
      if (batched >= BATCH_BYTES) {
        written += write(out, batch);
        batched = 0;
      }
    }
    if (batched > 0) {
      written += write(out, batch);
    }
    return written;
  }

  /** Whether the chunk ends here (waits for its next byte or its end). */
  boolean ended() throws IOException {
    while (true) {
      ByteBuffer bytes = next();
      if (bytes != null) {
        rest = bytes;
        return false;
      }
      if (!source.await()) {
        return true;
      }
    }
  }

  /** Reads the rest of the chunk and drops it (a duplicate of a stored chunk). */
  void drain() throws IOException {
    while (!ended()) {
      rest = null;
      source.release();
    }
  }

  /** The next unread bytes, or null when none have arrived right now. */
  private ByteBuffer next() throws IOException {
    if (rest != null) {
      ByteBuffer bytes = rest;
      rest = null;
      return bytes;
    }
    while (true) {
      ByteBuffer bytes = source.poll();
      if (bytes == null || bytes.hasRemaining()) {
        return bytes;
      }
    }
  }

  /** One gathering write of the batch; its buffers go back unless a part of one is still unread. */
  private long write(FileChannel out, List<ByteBuffer> batch) throws IOException {
    ByteBuffer[] buffers = batch.toArray(ByteBuffer[]::new);
    long written = 0;
    for (int first = 0; first < buffers.length; ) {
      written += out.write(buffers, first, buffers.length - first);
      while (first < buffers.length && !buffers[first].hasRemaining()) {
        first++;
      }
    }
    batch.clear();
    if (rest == null) {
      source.release();
    }
    return written;
  }
}
