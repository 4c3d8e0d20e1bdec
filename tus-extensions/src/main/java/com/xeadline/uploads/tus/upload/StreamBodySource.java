package com.xeadline.uploads.tus.upload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * A body read from an {@link InputStream} (a checksummed tus body, the draft's, a spilled legacy chunk, tests) through one
 * buffer of its own: each {@link #poll()} reads into the unused rest of it, and the append loop
 * writes when the buffer is full or the stream has nothing more right now.
 */
public final class StreamBodySource implements BodySource {
  private final InputStream in;
  private final byte[] bytes;
  // Written from a direct buffer of our own: on a virtual thread the JDK would otherwise allocate
  // and free a temporary direct buffer for every write call.
  private final ByteBuffer direct;
  private int handedOut;
  private boolean ended;
  private boolean mayBlock = true;

  public StreamBodySource(InputStream in, int bufferSize) {
    this.in = in;
    this.bytes = new byte[bufferSize];
    this.direct = ByteBuffer.allocateDirect(bufferSize);
  }

  @Override
  public ByteBuffer poll() throws IOException {
    if (ended || handedOut == bytes.length || (!mayBlock && in.available() <= 0)) {
      return null;
    }
    mayBlock = false;
    int n = in.read(bytes, handedOut, bytes.length - handedOut);
    if (n < 0) {
      ended = true;
      return null;
    }
    ByteBuffer slice = direct.slice(handedOut, n);
    slice.put(0, bytes, handedOut, n);
    handedOut += n;
    return slice;
  }

  @Override
  public boolean await() {
    mayBlock = true;
    return !ended;
  }

  @Override
  public void release() {
    handedOut = 0;
  }
}
