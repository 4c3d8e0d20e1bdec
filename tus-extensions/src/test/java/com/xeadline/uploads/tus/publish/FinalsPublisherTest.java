package com.xeadline.uploads.tus.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.xeadline.uploads.config.ConfigLoader;
import com.xeadline.uploads.config.UploadsConfig;
import com.xeadline.uploads.storage.StorageProvider;
import com.xeadline.uploads.storage.StorageProviders;
import com.xeadline.uploads.storage.StoredObject;
import com.xeadline.uploads.tus.upload.BodyCheck;
import com.xeadline.uploads.tus.db.Database;
import com.xeadline.uploads.tus.rows.NewUpload;
import com.xeadline.uploads.tus.upload.UploadService;
import com.xeadline.uploads.tus.upload.UploadFiles;
import com.xeadline.uploads.tus.rows.UploadRow;
import com.xeadline.uploads.tus.rows.UploadSessions;
import com.xeadline.uploads.tus.rows.UploadStatus;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import me.desair.tus.server.upload.UuidUploadIdFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A final the provider refuses fails the upload, keeps its bytes, and is published on retry. */
class FinalsPublisherTest {
  @TempDir Path dir;

  @Test
  void aRefusedFinalIsRetriedFromTheKeptBytes() throws Exception {
    UploadsConfig config =
        new ConfigLoader(Map.of()).load(List.of("--storage.data-dir=" + dir, "--database.url=jdbc:h2:mem:publisher;DB_CLOSE_DELAY=-1"));
    try (Database database = Database.open(config.database())) {
      UploadSessions sessions = new UploadSessions(database.jdbi());
      UuidUploadIdFactory ids = new UuidUploadIdFactory();
      ids.setUploadUri("/files");
      UploadService storage =
          new UploadService(sessions, new UploadFiles(dir.resolve("uploads")), Clock.systemUTC(), config.tus(), false, false, config.limits(), ids);
      FlakyProvider provider = new FlakyProvider();
      FinalsPublisher publisher = new FinalsPublisher(storage, new StorageProviders(provider, List.of()));
      storage.listeners().add(publisher);

      UploadRow row =
          storage.createUpload(new NewUpload("alice", 5L, null, Map.of("filename", "a.mp4"), null, "REGULAR", null, List.of(), null, null, null));
      storage.appendBody(row, new ByteArrayInputStream(new byte[] {1, 2, 3, 4, 5}), BodyCheck.NONE);

      UploadRow failed = sessions.find(row.id()).orElseThrow();
      assertThat(failed.status()).isEqualTo(UploadStatus.FAILED);
      assertThat(failed.failureReason()).contains("storing the final").contains("quota exceeded on the bucket");
      assertThat(storage.files().exists(row.id())).isTrue();

      provider.refuse = false;
      assertThat(publisher.retryFailed()).isEqualTo(1);
      UploadRow published = sessions.find(row.id()).orElseThrow();
      assertThat(published.status()).isEqualTo(UploadStatus.COMPLETED);
      assertThat(published.storageProvider()).isEqualTo("flaky");
      assertThat(provider.objects.get(published.storageKey())).containsExactly(1, 2, 3, 4, 5);
      assertThat(storage.files().exists(row.id())).isFalse();
      assertThat(publisher.retryFailed()).isZero();
    }
  }

  private static final class FlakyProvider implements StorageProvider {
    boolean refuse = true;
    final Map<String, byte[]> objects = new HashMap<>();

    @Override
    public String name() {
      return "flaky";
    }

    @Override
    public StoredObject store(String key, InputStream data, long length, String contentType, Map<String, String> metadata)
        throws IOException {
      if (refuse) {
        throw new IOException("quota exceeded on the bucket");
      }
      objects.put(key, data.readAllBytes());
      return new StoredObject(key, length, contentType, null);
    }

    @Override
    public void delete(String key) {
      objects.remove(key);
    }

    @Override
    public Optional<StoredObject> stat(String key) {
      return Optional.empty();
    }

    @Override
    public InputStream openRange(String key, long offset, long length) {
      return new ByteArrayInputStream(objects.get(key), (int) offset, (int) length);
    }
  }
}
