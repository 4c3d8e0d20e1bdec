package com.xeadline.uploads.server;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.internal.HttpConnection;

/**
 * HTTP/1.1 connections whose read buffer follows the pace of what they receive: each buffer is
 * taken from the pool at the smallest size, twice the last one when the last read filled it
 * (bytes were waiting in the socket: a fast body), half of it when the last read left more than
 * half empty. A fast body is read in large reads (a quarter of the socket reads and of the
 * per-chunk work at 64 KiB), while a slow one never holds more than the smallest buffer.
 */
final class PacedReadConnectionFactory extends HttpConnectionFactory {
  private final int maxBuffer;

  /** Buffers from {@code minBuffer} to {@code maxBuffer} bytes (both pooled: the pool keeps up to 64 KiB). */
  PacedReadConnectionFactory(HttpConfiguration http, int minBuffer, int maxBuffer) {
    super(http);
    setInputBufferSize(minBuffer);
    this.maxBuffer = maxBuffer;
  }

  @Override
  public Connection newConnection(Connector connector, EndPoint endPoint) {
    PacedConnection connection = new PacedConnection(getHttpConfiguration(), connector, endPoint, maxBuffer);
    connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
    return configure(connection, connector, endPoint);
  }

  /** Jetty asks {@link #getInputBufferSize()} each time it takes a read buffer from the pool. */
  static final class PacedConnection extends HttpConnection {
    private final int maxBuffer;
    /** The size of the buffer taken last; 0 before the first. */
    private int lastSize;
    /** {@link #getBytesIn()} when it was taken. Reads on one connection never overlap. */
    private long bytesInAtLast;

    PacedConnection(HttpConfiguration http, Connector connector, EndPoint endPoint, int maxBuffer) {
      super(http, connector, endPoint);
      this.maxBuffer = maxBuffer;
    }

    @Override
    public int getInputBufferSize() {
      int min = super.getInputBufferSize();
      long bytesIn = getBytesIn();
      lastSize = next(min, maxBuffer, lastSize, bytesIn - bytesInAtLast);
      bytesInAtLast = bytesIn;
      return lastSize;
    }
  }

  /** The next buffer's size after one of {@code last} bytes received {@code filled} bytes. */
  static int next(int min, int max, int last, long filled) {
    if (last == 0) {
      return min;
    }
    if (filled >= last) {
      return Math.min(max, last * 2);
    }
    if (filled < last / 2) {
      return Math.max(min, last / 2);
    }
    return last;
  }
}
