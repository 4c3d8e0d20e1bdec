package com.xeadline.uploads.tus.upload;

import com.xeadline.uploads.config.ConfigLoader;
import com.xeadline.uploads.config.UploadsConfig;
import com.xeadline.uploads.tus.db.Database;
import com.xeadline.uploads.tus.rows.UploadSessions;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import me.desair.tus.server.upload.UuidUploadIdFactory;

/** The upload service on a real (in-memory) H2 and real files under {@code dir}, without HTTP. */
public final class UploadsOnH2 implements AutoCloseable {
  public final Database database;
  public final UploadSessions sessions;
  public final UploadFiles files;
  public final UploadService storage;

  private UploadsOnH2(Database database, UploadSessions sessions, UploadFiles files, UploadService storage) {
    this.database = database;
    this.sessions = sessions;
    this.files = files;
    this.storage = storage;
  }

  /** {@code flags}: more options, e.g. {@code --tus.checkpoint=64KiB}. */
  public static UploadsOnH2 open(Path dir, String... flags) throws java.io.IOException {
    List<String> args = new ArrayList<>(List.of(flags));
    args.add("--storage.data-dir=" + dir);
    args.add("--database.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    UploadsConfig config = new ConfigLoader(Map.of()).load(args);
    Database database = Database.open(config.database());
    UploadSessions sessions = new UploadSessions(database.jdbi());
    UploadFiles files = new UploadFiles(dir.resolve("uploads"));
    UuidUploadIdFactory ids = new UuidUploadIdFactory();
    ids.setUploadUri("/files");
    UploadService storage = new UploadService(sessions, files, Clock.systemUTC(), config.tus(), false, false, config.limits(), ids);
    return new UploadsOnH2(database, sessions, files, storage);
  }

  @Override
  public void close() {
    database.close();
  }
}
