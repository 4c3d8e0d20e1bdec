package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A fast body is read into larger buffers; a slow one never takes more than the smallest. */
class PacedReadConnectionFactoryTest {
  private static final int MIN = 16 * 1024;
  private static final int MAX = 64 * 1024;

  /** Every buffer size the server takes from its pool (reads, and the small response buffers). */
  private final Queue<Integer> taken = new ConcurrentLinkedQueue<>();
  private Server server;
  private int port;

  @BeforeEach
  void start() throws Exception {
    ArrayByteBufferPool pool =
        new ArrayByteBufferPool() {
          @Override
          public RetainableByteBuffer.Mutable acquire(int size, boolean direct) {
            taken.add(size);
            return super.acquire(size, direct);
          }
        };
    server = new Server(null, null, pool);
    HttpConfiguration http = new HttpConfiguration();
    http.setOutputBufferSize(4096);
    http.setResponseHeaderSize(4096);
    ServerConnector connector = new ServerConnector(server, new PacedReadConnectionFactory(http, MIN, MAX));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            new HoldingReader(request, response, callback).run();
            return true;
          }
        });
    server.start();
    port = connector.getLocalPort();
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
  }

  @Test
  void aFastBodyIsReadInBuffersUpToTheLargest() throws Exception {
    byte[] megabyte = new byte[1 << 20];
    send(32, out -> {
      for (int i = 0; i < 32; i++) {
        out.write(megabyte);
      }
    });
    assertThat(taken).contains(MAX);
    assertThat(taken).allMatch(size -> size <= MAX);
  }

  @Test
  void aSlowBodyNeverTakesMoreThanTheSmallest() throws Exception {
    byte[] kilobyte = new byte[1024];
    send(1.0 / 64, out -> {
      for (int i = 0; i < 16; i++) {
        out.write(kilobyte);
        out.flush();
        Thread.sleep(20);
      }
    });
    assertThat(taken).isNotEmpty().allMatch(size -> size <= MIN);
  }

  @Test
  void theNextSizeDoublesOnFullReadsAndHalvesOnMostlyEmptyOnes() {
    assertThat(PacedReadConnectionFactory.next(MIN, MAX, 0, 0)).isEqualTo(MIN);
    assertThat(PacedReadConnectionFactory.next(MIN, MAX, MIN, MIN)).isEqualTo(2 * MIN);
    assertThat(PacedReadConnectionFactory.next(MIN, MAX, MAX, MAX)).isEqualTo(MAX);
    assertThat(PacedReadConnectionFactory.next(MIN, MAX, MAX, MAX - 100)).isEqualTo(MAX);
    assertThat(PacedReadConnectionFactory.next(MIN, MAX, MAX, 1000)).isEqualTo(MAX / 2);
    assertThat(PacedReadConnectionFactory.next(MIN, MAX, MIN, 0)).isEqualTo(MIN);
  }

  /**
   * Reads a body as the upload path does (JettyBodySource under BodyWriter): chunks are held until
   * a batch of 1 MiB is written, so each read needs a buffer of its own. (A reader that released
   * every chunk at once would let Jetty refill one buffer for the whole body.)
   */
  private record HoldingReader(Request request, Response response, Callback callback, List<Content.Chunk> held)
      implements Runnable {
    HoldingReader(Request request, Response response, Callback callback) {
      this(request, response, callback, new ArrayList<>());
    }

    @Override
    public void run() {
      while (true) {
        Content.Chunk chunk = request.read();
        if (chunk == null) {
          request.demand(this);
          return;
        }
        if (Content.Chunk.isFailure(chunk)) {
          callback.failed(chunk.getFailure());
          return;
        }
        boolean last = chunk.isLast();
        held.add(chunk);
        if (last || held.stream().mapToInt(Content.Chunk::remaining).sum() >= 1 << 20) {
          held.forEach(Content.Chunk::release);
          held.clear();
        }
        if (last) {
          response.setStatus(204);
          callback.succeeded();
          return;
        }
      }
    }
  }

  private interface BodyBytes {
    void write(OutputStream out) throws Exception;
  }

  /** One PATCH of {@code mebibytes} written by {@code body}; asserts the 204. */
  private void send(double mebibytes, BodyBytes body) throws Exception {
    long length = (long) (mebibytes * (1 << 20));
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(("PATCH /x HTTP/1.1\r\nHost: test\r\nContent-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      body.write(out);
      out.flush();
      InputStream in = socket.getInputStream();
      String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      assertThat(status).isEqualTo("HTTP/1.1 204");
    }
  }
}
