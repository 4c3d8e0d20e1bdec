package com.xeadline.uploads.server;

import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * With {@code storage.fsync=true}, a response to a request that may have changed the database
 * leaves only after the database has forced its commits to disk: its first byte (status line
 * included) waits for the sync, and so does the completion of a response without a body (a tus
 * 204), which Jetty sends without a write. Every acknowledgement (201, 204, 200 of a chunk or a
 * completion) thereby survives a power loss, whichever code path committed it. Concurrent
 * responses share one sync.
 */
final class DurableResponses extends Handler.Wrapper {
  private static final Set<String> READ_ONLY = Set.of("GET", "HEAD", "OPTIONS");

  private final Runnable syncToDisk;

  DurableResponses(Handler handler, Runnable syncToDisk) {
    super(handler);
    this.syncToDisk = syncToDisk;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (READ_ONLY.contains(request.getMethod())) {
      return super.handle(request, response, callback);
    }
    SyncOnce sync = new SyncOnce();
    Callback syncThenComplete =
        Callback.from(
            () -> {
              if (sync.run()) {
                callback.succeeded();
              } else {
                callback.failed(new IllegalStateException("the database could not sync its commits"));
              }
            },
            callback::failed);
    return super.handle(request, new SyncBeforeFirstByte(request, response, sync), syncThenComplete);
  }

  /** Runs the sync once per response; false when it failed (then nothing may be acknowledged). */
  private final class SyncOnce {
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile boolean ok = true;

    boolean run() {
      if (done.compareAndSet(false, true)) {
        try {
          syncToDisk.run();
        } catch (RuntimeException e) {
          ok = false;
        }
      }
      return ok;
    }
  }

  private static final class SyncBeforeFirstByte extends Response.Wrapper {
    private final SyncOnce sync;

    SyncBeforeFirstByte(Request request, Response wrapped, SyncOnce sync) {
      super(request, wrapped);
      this.sync = sync;
    }

    @Override
    public void write(boolean last, ByteBuffer content, Callback callback) {
      if (!sync.run()) {
        callback.failed(new IllegalStateException("the database could not sync its commits"));
        return;
      }
      super.write(last, content, callback);
    }
  }
}
