package com.xeadline.uploads.server;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code /bench/discard} (only with server.bench-endpoint): the ceilings the benchmark compares
 * the tus path with. It reads the body with the same buffer size as a tus PATCH and drops it, or,
 * with {@code ?sink=disk}, appends it to a scratch file in the upload directory (a new one every
 * GiB; the old ones are kept, since deleting a file would let its dirty pages skip the disk): what
 * receiving plus writing costs on this machine, without any tus or SQL work.
 */
final class DiscardServlet extends HttpServlet {
  private final transient Path scratchDir;

  DiscardServlet(Path scratchDir) {
    this.scratchDir = scratchDir;
  }

  private FileChannel openScratch() throws IOException {
    Path current = scratchDir.resolve("bench-sink.bin");
    if (Files.exists(current) && Files.size(current) >= (1L << 30)) {
      Files.move(current, scratchDir.resolve("bench-sink-" + System.nanoTime() + ".bin"));
    }
    FileChannel file = FileChannel.open(current, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    file.position(file.size());
    return file;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
    byte[] buffer = new byte[256 * 1024];
    long total = 0;
    boolean toDisk = "disk".equals(request.getParameter("sink"));
    try (InputStream in = request.getInputStream();
        FileChannel file = toDisk ? openScratch() : null) {
      ByteBuffer direct = toDisk ? ByteBuffer.allocateDirect(buffer.length) : null;
      for (int n; (n = in.read(buffer)) >= 0; ) {
        total += n;
        if (file != null) {
          direct.clear();
          direct.put(buffer, 0, n).flip();
          while (direct.hasRemaining()) {
            file.write(direct);
          }
        }
      }
    }
    response.setStatus(204);
    response.setHeader("Upload-Offset", Long.toString(total));
  }
}
