package com.xeadline.uploads.tus.upload;

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

  void write(byte[] bytes, int length) throws IOException;

  /** Makes everything written so far survive a crash. */
  void force() throws IOException;

  /** Reads from {@code position} into {@code into}; -1 at the end. */
  int read(ByteBuffer into, long position) throws IOException;
}
