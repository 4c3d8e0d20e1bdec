package com.xeadline.uploads.tus.upload;

import com.xeadline.uploads.tus.rows.NewUpload;
import com.xeadline.uploads.tus.rows.UploadRow;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everyone told about uploads, in one place and one order: the order of {@link #add}. A
 * participant takes part in every kind of notice it implements ({@link UploadFinishedListener},
 * {@link UploadTerminatedListener}, {@link UploadEvents}). The order matters where one listener's
 * work feeds the next: a finished part first completes the finals waiting for it, a final is
 * published before it is probed or announced to hooks. Creations pass one {@link CreationGate}.
 */
public final class UploadListeners implements UploadEvents {
  private static final Logger log = LoggerFactory.getLogger(UploadListeners.class);

  private final List<UploadFinishedListener> finished = new CopyOnWriteArrayList<>();
  private final List<UploadTerminatedListener> terminated = new CopyOnWriteArrayList<>();
  private final List<UploadEvents> events = new CopyOnWriteArrayList<>();
  private volatile CreationGate gate = CreationGate.OPEN;

  /** Adds participants, each after those already added. */
  public void add(Object... participants) {
    for (Object participant : participants) {
      boolean any = false;
      if (participant instanceof UploadFinishedListener l) {
        finished.add(l);
        any = true;
      }
      if (participant instanceof UploadTerminatedListener l) {
        terminated.add(l);
        any = true;
      }
      if (participant instanceof UploadEvents l) {
        events.add(l);
        any = true;
      }
      if (!any) {
        throw new IllegalArgumentException(participant.getClass().getName() + " listens to no upload notice");
      }
    }
  }

  public void setCreationGate(CreationGate gate) {
    this.gate = gate;
  }

  void checkCreation(NewUpload request) throws CreationGate.Refused {
    gate.check(request);
  }

  /** A listener that fails is logged and the rest are still told. */
  void finished(UploadRow row) {
    for (UploadFinishedListener listener : finished) {
      try {
        listener.uploadFinished(row);
      } catch (RuntimeException e) {
        log.atError().addKeyValue("upload_id", row.id()).setCause(e).log("upload.finish_listener_failed");
      }
    }
  }

  /** A listener that fails stops the termination (its upload stays). */
  void terminated(UploadRow row) throws IOException {
    for (UploadTerminatedListener listener : terminated) {
      listener.terminated(row);
    }
  }

  @Override
  public void created(UploadRow row) {
    events.forEach(l -> l.created(row));
  }

  @Override
  public void appended(UploadRow row, long bytes, long nanos) {
    events.forEach(l -> l.appended(row, bytes, nanos));
  }

  @Override
  public void appendStarted() {
    events.forEach(UploadEvents::appendStarted);
  }

  @Override
  public void appendEnded() {
    events.forEach(UploadEvents::appendEnded);
  }

  @Override
  public void failed(String uploadId, String reason) {
    events.forEach(l -> l.failed(uploadId, reason));
  }

  @Override
  public void quotaRefused(String quota) {
    events.forEach(l -> l.quotaRefused(quota));
  }
}
