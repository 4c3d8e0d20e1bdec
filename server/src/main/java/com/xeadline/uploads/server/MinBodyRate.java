package com.xeadline.uploads.server;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A floor under the average rate of every request body (tus, the draft, the JSON API alike): a
 * body that has run longer than the grace and averaged less than the floor is failed as a read
 * timeout. The idle timeout alone never cuts a client that trickles a byte now and then, and each
 * such body holds an upload's lock and a connection. What arrived before the cut is kept, as for
 * any broken body.
 */
final class MinBodyRate extends Handler.Wrapper {
  private static final Logger log = LoggerFactory.getLogger(MinBodyRate.class);

  private final long bytesPerSecond;
  private final long graceNanos;

  MinBodyRate(long bytesPerSecond, Duration grace, Handler next) {
    super(next);
    this.bytesPerSecond = bytesPerSecond;
    this.graceNanos = grace.toNanos();
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (bytesPerSecond <= 0) {
      return super.handle(request, response, callback);
    }
    return super.handle(new Metered(request), response, callback);
  }

  private final class Metered extends Request.Wrapper {
    private final long started = System.nanoTime();
    private long bytes;

    Metered(Request request) {
      super(request);
    }

    @Override
    public Content.Chunk read() {
      Content.Chunk chunk = super.read();
      if (chunk == null || Content.Chunk.isFailure(chunk)) {
        return chunk;
      }
      bytes += chunk.remaining();
      long elapsed = System.nanoTime() - started;
      if (!chunk.isLast() && elapsed > graceNanos && bytes * 1_000_000_000L / elapsed < bytesPerSecond) {
        chunk.release();
        log.atInfo()
            .addKeyValue("path", getHttpURI().getPath())
            .addKeyValue("bytes", bytes)
            .addKeyValue("seconds", elapsed / 1_000_000_000L)
            .log("http.body_too_slow");
        return Content.Chunk.from(
            new TimeoutException("Request body slower than " + bytesPerSecond + " bytes/s on average"), true);
      }
      return chunk;
    }
  }
}
