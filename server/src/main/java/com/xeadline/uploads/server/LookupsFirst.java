package com.xeadline.uploads.server;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Chooses the thread a request is handled on: HEAD (a client asking where to resume) on a few
 * platform threads of its own, everything else on a virtual thread of its own. Declared
 * non-blocking, so Jetty parses a request on its selector thread and calls this without a hop.
 *
 * <p>Why: virtual threads share one first-in-first-out queue on as many carriers as cores. When a
 * thousand clients create and start uploads at once, ~900 virtual threads wait in that queue, and
 * a HEAD that joined it behind them was answered after seconds although its own work takes a
 * millisecond. On a platform thread the operating system gives it its share of a core at once.
 */
final class LookupsFirst extends Handler.Wrapper {
  private final Executor blocking;
  private final Executor lookups;

  /**
   * @param blocking runs the requests that may block for long (bodies, downloads, commits)
   * @param lookups runs HEAD: a few platform threads, never a virtual one
   */
  LookupsFirst(Handler handler, Executor blocking, Executor lookups) {
    super(handler);
    this.blocking = blocking;
    this.lookups = lookups;
  }

  @Override
  public InvocationType getInvocationType() {
    return InvocationType.NON_BLOCKING;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Executor executor = "HEAD".equals(request.getMethod()) ? lookups : blocking;
    try {
      executor.execute(() -> handleNow(request, response, callback));
    } catch (RejectedExecutionException stopping) {
      callback.failed(stopping);
    }
    return true;
  }

  /**
   * {@code handler} for a place below this one in a server already started: Jetty refuses to add
   * a blocking handler to a running server it was told never blocks, but below this one nothing
   * runs on a thread that must not block.
   */
  static Handler below(Handler handler) {
    return new Handler.Wrapper(handler) {
      @Override
      public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
      }
    };
  }

  private void handleNow(Request request, Response response, Callback callback) {
    try {
      if (!super.handle(request, response, callback)) {
        Response.writeError(request, response, callback, 404);
      }
    } catch (Throwable failure) {
      callback.failed(failure);
    }
  }
}
