package com.xeadline.uploads.tus.upload;

import com.xeadline.uploads.tus.rows.UploadRow;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where one request's body goes while {@link BodyWriter} appends it. The local target is the
 * upload's file; another (an object store's parts) can take the same loop: it says how many bytes
 * it holds, drops bytes above an offset, takes bytes and makes them durable.
 */
interface AppendTarget extends Closeable {
  /** The bytes held now: the committed ones and any debris a broken request left above them. */
  long size() throws IOException;

  /** Drops every byte from {@code size} on. */
  void truncate(long size) throws IOException;

  /** Where the next {@link #write} goes. */
  void seek(long position) throws IOException;

  /** Writes every remaining byte of {@code buffers}, in order, at the current position. */
  void write(ByteBuffer[] buffers) throws IOException;

  /** Makes everything written so far survive a crash. */
  void force() throws IOException;

  /**
   * Whether {@link #force} may run on another thread while {@link #write} goes on, covering at
   * least what was written before it was called.
   */
  default boolean syncsWhileWriting() {
    return false;
  }

  /** Reads from {@code position} into {@code into}; -1 at the end. */
  int read(ByteBuffer into, long position) throws IOException;

  /**
   * Moves the row's offset from {@code from} to {@code to} over bytes already written (and forced):
   * false when the row's offset was not {@code from}. A target whose bytes become durable only as
   * the offset moves (part objects) does both here.
   */
  default boolean commit(Offsets offsets, UploadRow row, long from, long to) throws IOException {
    return offsets.advance(row, from, to);
  }
}
