package com.xeadline.uploads.server;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A PATCH written by hand on a socket, so a test controls exactly how much of the body is sent
 * and when: to stall it, to cut it, or to leave it hanging like a dead client.
 */
final class RawPatch implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;

  RawPatch(URI upload, long offset, long contentLength, String... extraHeaderLines) throws IOException {
    socket = new Socket(upload.getHost(), upload.getPort());
    out = socket.getOutputStream();
    StringBuilder head = new StringBuilder();
    head.append("PATCH ").append(upload.getRawPath()).append(" HTTP/1.1\r\n");
    head.append("Host: ").append(upload.getHost()).append(':').append(upload.getPort()).append("\r\n");
    head.append("Tus-Resumable: 1.0.0\r\n");
    head.append("Upload-Offset: ").append(offset).append("\r\n");
    head.append("Content-Type: application/offset+octet-stream\r\n");
    head.append("Content-Length: ").append(contentLength).append("\r\n");
    for (String line : extraHeaderLines) {
      head.append(line).append("\r\n");
    }
    head.append("\r\n");
    out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
  }

  void send(byte[] source, int from, int length) throws IOException {
    out.write(source, from, length);
    out.flush();
  }

  /** Reads the status line of the answer (blocks until the server answers or closes). */
  int status() throws IOException {
    socket.setSoTimeout(30_000);
    byte[] buffer = new byte[12];
    int read = 0;
    while (read < buffer.length) {
      int n = socket.getInputStream().read(buffer, read, buffer.length - read);
      if (n < 0) {
        return -1;
      }
      read += n;
    }
    return Integer.parseInt(new String(buffer, 9, 3, StandardCharsets.US_ASCII));
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
