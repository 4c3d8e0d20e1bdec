package com.xeadline.uploads.server;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * A part of the routes still being made when the gate opens: the JSON API, whose Jersey takes
 * ~0.15 s of a start that tus requests need not wait for. Its requests wait for it as requests
 * wait at the {@link StartupGate}: up to {@code server.start-wait}, then the same 503.
 */
final class PendingHandler extends Handler.Wrapper {
  private final Duration wait;
  private final CountDownLatch ready = new CountDownLatch(1);
  private volatile boolean failed;

  PendingHandler(Duration wait) {
    super(true); // the handler is set while the server runs
    this.wait = wait;
  }

  /** Puts the handler in place (started now, stopped with this one) and lets waiting requests through. */
  void open(Handler handler) throws Exception {
    StartupGate.install(this, handler);
    ready.countDown();
  }

  /** The handler will never come (the start failed): waiting requests get the 503 at once. */
  void fail() {
    failed = true;
    ready.countDown();
  }

  boolean isOpen() {
    return ready.getCount() == 0 && !failed;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    boolean waitedInVain = ready.getCount() > 0 && !ready.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    if (waitedInVain || failed) {
      return StartupGate.stillStarting(request, response, callback);
    }
    return super.handle(request, response, callback);
  }
}
