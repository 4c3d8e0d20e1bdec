package com.xeadline.uploads.tus.upload;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A request body as its bytes arrive. The append loop takes buffers without waiting while bytes
 * are there, writes them to the file in one gathering write, gives them back and only then
 * waits: a busy body goes to disk in large writes straight from the server's own buffers, and an
 * idle one holds no buffer at all while it waits.
 */
public interface BodySource {
  /**
   * Bytes that have already arrived, or null when none are there right now (or the body has
   * ended). Never waits. The buffer stays valid until {@link #release()}.
   */
  ByteBuffer poll() throws IOException;

  /** Waits until {@link #poll()} may have bytes; false once the body has ended. */
  boolean await() throws IOException;

  /** Every buffer {@link #poll()} handed out has been written and may be reused. */
  void release();
}
