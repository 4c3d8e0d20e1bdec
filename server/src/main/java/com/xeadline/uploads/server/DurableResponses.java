package com.xeadline.uploads.server;

import java.nio.ByteBuffer;
import java.util.Set;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * With {@code storage.fsync=true}, a response to a request that may have changed the database
 * leaves only after the database has forced its commits to disk (its first byte, status line
 * included, waits for the sync). Every acknowledgement (201, 204, 200 of a chunk or completion)
 * thereby survives a power loss, whichever code path committed it. Concurrent responses share
 * one sync.
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
    return super.handle(request, new SyncBeforeFirstByte(request, response), callback);
  }

  private final class SyncBeforeFirstByte extends Response.Wrapper {
    private volatile boolean synced;

    SyncBeforeFirstByte(Request request, Response wrapped) {
      super(request, wrapped);
    }

    @Override
    public void write(boolean last, ByteBuffer content, Callback callback) {
      if (!synced) {
        synced = true;
        try {
          syncToDisk.run();
        } catch (RuntimeException e) {
          callback.failed(e); // not durable, so not acknowledged
          return;
        }
      }
      super.write(last, content, callback);
    }
  }
}
