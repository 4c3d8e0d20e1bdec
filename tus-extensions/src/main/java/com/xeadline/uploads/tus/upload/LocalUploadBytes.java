package com.xeadline.uploads.tus.upload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;

/** The bytes of unfinished uploads as one file each on this node's disk (storage.in-progress=local). */
public final class LocalUploadBytes implements UploadBytes {
  private final UploadFiles files;

  public LocalUploadBytes(UploadFiles files) {
    this.files = files;
  }

  @Override
  public void create(String id) throws IOException {
    files.create(id);
  }

  @Override
  public AppendTarget openForAppend(String id) throws IOException {
    return LocalAppendTarget.open(files, id);
  }

  @Override
  public InputStream open(String id, long offset, long length) throws IOException {
    FileChannel channel = files.openForRead(id);
    channel.position(offset);
    return new java.io.FilterInputStream(Channels.newInputStream(channel)) {
      private long left = length;

      @Override
      public int read() throws IOException {
        if (left <= 0) {
          return -1;
        }
        int b = super.read();
        left -= b < 0 ? 0 : 1;
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (left <= 0) {
          return -1;
        }
        int n = super.read(b, off, (int) Math.min(len, left));
        left -= Math.max(n, 0);
        return n;
      }
    };
  }

  @Override
  public boolean holds(String id, long length) {
    try {
      return files.exists(id) && files.size(id) >= length;
    } catch (IOException gone) {
      return false; // removed between the two looks
    }
  }

  @Override
  public void delete(String id) throws IOException {
    files.delete(id);
  }

  @Override
  public boolean inBucket() {
    return false;
  }
}
