package com.xeadline.uploads.tus.upload;

import com.xeadline.uploads.tus.rows.NewUpload;
import com.xeadline.uploads.tus.rows.UploadRow;
import com.xeadline.uploads.tus.rows.UploadStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every notice reaches the participants in the order they were added, whatever its kind. */
class UploadListenersTest {
  private final List<String> heard = new ArrayList<>();
  private final UploadListeners listeners = new UploadListeners();
  private final UploadRow row =
      new UploadRow(
          "u1", "alice", "a.bin", 1L, null, null, 0, UploadStatus.COMPLETED, java.time.Instant.EPOCH, java.time.Instant.EPOCH,
          java.time.Instant.EPOCH, "/files/u1", Map.of(), 1, false, null, "REGULAR", null, List.of(), null, null, null, null, null,
          null);

  /** Listens to everything and writes down what it heard. */
  private final class Ear implements UploadFinishedListener, UploadTerminatedListener, UploadEvents {
    private final String name;

    Ear(String name) {
      this.name = name;
    }

    @Override
    public void uploadFinished(UploadRow row) {
      heard.add(name + ":finished");
    }

    @Override
    public void terminated(UploadRow row) {
      heard.add(name + ":terminated");
    }

    @Override
    public void created(UploadRow row) {
      heard.add(name + ":created");
    }
  }

  @Test
  void participantsHearInTheOrderTheyWereAdded() throws IOException {
    UploadFinishedListener finishedOnly = r -> heard.add("finishedOnly:finished");
    listeners.add(new Ear("a"), finishedOnly);
    listeners.add(new Ear("b"));

    listeners.created(row);
    listeners.finished(row);
    listeners.terminated(row);

    assertThat(heard)
        .containsExactly(
            "a:created", "b:created",
            "a:finished", "finishedOnly:finished", "b:finished",
            "a:terminated", "b:terminated");
  }

  @Test
  void aFailingFinishedListenerDoesNotSilenceTheOthers() {
    listeners.add((UploadFinishedListener) r -> { throw new IllegalStateException("boom"); }, new Ear("b"));

    listeners.finished(row);

    assertThat(heard).containsExactly("b:finished");
  }

  @Test
  void somethingThatListensToNothingIsRefused() {
    assertThatThrownBy(() -> listeners.add("not a listener")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theCreationGateDecides() {
    listeners.setCreationGate(request -> { throw new CreationGate.Refused(507, "full"); });
    NewUpload request = new NewUpload("alice", 1L, null, Map.of(), null, "REGULAR", null, List.of(), null, null, null);

    assertThatThrownBy(() -> listeners.checkCreation(request))
        .isInstanceOfSatisfying(CreationGate.Refused.class, e -> assertThat(e.status()).isEqualTo(507));
  }
}
