package com.xeadline.uploads.gcs;

import com.google.cloud.RestorableState;
import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Storage;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Run in a JVM with a small heap by {@link GcsMemoryIT}: streams 1 GiB through the provider into
 * a Storage whose writer only counts, and prints the count. A provider that held the object whole
 * would die of OutOfMemoryError.
 */
public final class BoundedMemoryMain {
  public static void main(String[] args) throws Exception {
    long size = Long.parseLong(args[0]);
    long[] received = {0};
    WriteChannel counting =
        new WriteChannel() {
          private boolean open = true;

          @Override
          public int write(ByteBuffer src) {
            int n = src.remaining();
            src.position(src.limit());
            received[0] += n;
            return n;
          }

          @Override
          public boolean isOpen() {
            return open;
          }

          @Override
          public void close() {
            open = false;
          }

          @Override
          public void setChunkSize(int chunkSize) {}

          @Override
          public RestorableState<WriteChannel> capture() {
            throw new UnsupportedOperationException();
          }
        };
    Storage storage =
        (Storage)
            Proxy.newProxyInstance(
                Storage.class.getClassLoader(),
                new Class<?>[] {Storage.class},
                (proxy, method, arguments) -> {
                  if (method.getName().equals("writer")) {
                    return counting;
                  }
                  throw new UnsupportedOperationException(method.getName());
                });
    InputStream generated =
        new InputStream() {
          private long left = size;

          @Override
          public int read() {
            return left-- > 0 ? 7 : -1;
          }

          @Override
          public int read(byte[] b, int off, int len) {
            if (left <= 0) {
              return -1;
            }
            int n = (int) Math.min(len, left);
            left -= n;
            return n;
          }
        };
    new GcsStorageProvider(storage, "bucket", "").store("alice/1-big.mp4", generated, size, "video/mp4", Map.of());
    System.out.println("received=" + received[0] + " maxHeap=" + Runtime.getRuntime().maxMemory());
  }
}
