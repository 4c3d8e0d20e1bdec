package com.xeadline.uploads.tus.upload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** An upload's local file as the target of an append. */
final class LocalAppendTarget implements AppendTarget {
  private final FileChannel channel;
  private final ByteBuffer direct;

  /**
   * Writes go through a direct buffer of our own of {@code bufferSize}: on a virtual thread the
   * JDK would otherwise allocate and free a temporary direct buffer for every write call.
   */
  LocalAppendTarget(FileChannel channel, int bufferSize) {
    this.channel = channel;
    this.direct = ByteBuffer.allocateDirect(bufferSize);
  }

  static LocalAppendTarget open(UploadFiles files, String id, int bufferSize) throws IOException {
    return new LocalAppendTarget(files.openForWrite(id), bufferSize);
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
  public void write(byte[] bytes, int length) throws IOException {
    direct.clear();
    direct.put(bytes, 0, length);
    direct.flip();
    while (direct.hasRemaining()) {
      channel.write(direct);
    }
  }

  @Override
  public void force() throws IOException {
    channel.force(false);
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
