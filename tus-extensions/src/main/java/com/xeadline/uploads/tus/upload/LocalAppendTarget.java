package com.xeadline.uploads.tus.upload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** An upload's local file as the target of an append. */
final class LocalAppendTarget implements AppendTarget {
  private final FileChannel channel;

  LocalAppendTarget(FileChannel channel) {
    this.channel = channel;
  }

  static LocalAppendTarget open(UploadFiles files, String id) throws IOException {
    return new LocalAppendTarget(files.openForWrite(id));
  }

  @Override
  public long size() throws IOException {
    return channel.size();
  }

  @Override
  public void truncate(long size) throws IOException {
    channel.truncate(size);
  }

  @Override
  public void seek(long position) throws IOException {
    channel.position(position);
  }

  @Override
  public void write(ByteBuffer[] buffers) throws IOException {
    // One gathering write for the whole batch; the buffers are direct (Jetty's own, or the
    // stream source's), so the JDK copies nothing on the way to the file.
    long left = 0;
    for (ByteBuffer buffer : buffers) {
      left += buffer.remaining();
    }
    while (left > 0) {
      left -= channel.write(buffers);
    }
  }

  @Override
  public void force() throws IOException {
    channel.force(false);
  }

  /** fdatasync flushes what was written before it; writes meanwhile only add to what is left dirty. */
  @Override
  public boolean syncsWhileWriting() {
    return true;
  }

  @Override
  public int read(ByteBuffer into, long position) throws IOException {
    return channel.read(into, position);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
