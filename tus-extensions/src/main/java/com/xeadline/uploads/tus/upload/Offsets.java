package com.xeadline.uploads.tus.upload;

import com.xeadline.uploads.tus.rows.UploadRow;
import com.xeadline.uploads.tus.rows.UploadSessions;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves an upload's committed offset, with what moves along with it (last activity, expiry, the
 * finished URL once complete). The expiration and the URL base are read at each move: tus-java-server
 * may change them after start.
 */
public final class Offsets {
  private static final Logger log = LoggerFactory.getLogger(Offsets.class);

  private final UploadSessions sessions;
  private final Clock clock;
  private final Supplier<Duration> expiration;
  private final Function<String, String> finishedUrl;

  Offsets(UploadSessions sessions, Clock clock, Supplier<Duration> expiration, Function<String, String> finishedUrl) {
    this.sessions = sessions;
    this.clock = clock;
    this.expiration = expiration;
    this.finishedUrl = finishedUrl;
  }

  /** Moves the offset from {@code from} to {@code to}; false when the row's offset was not {@code from}. */
  boolean advance(UploadRow row, long from, long to) {
    return sessions.advanceOffset(
        row.id(), from, to, row.length(), clock.instant(), clock.instant().plus(expiration.get()), finishedUrl.apply(row.id()));
  }

  /** The file holds fewer bytes than the row acknowledged: the row follows the file. */
  void lowerToFileSize(UploadRow row, long size) {
    lowerToFileSize(sessions, clock, row, size);
  }

  /** As {@link #lowerToFileSize(UploadRow, long)}, for start-up repair, before any upload service exists. */
  public static void lowerToFileSize(UploadSessions sessions, Clock clock, UploadRow row, long size) {
    log.atWarn()
        .addKeyValue("upload_id", row.id())
        .addKeyValue("row_offset", row.offset())
        .addKeyValue("file_size", size)
        .log("upload.offset_lowered_to_file_size");
    sessions.advanceOffset(row.id(), row.offset(), size, row.length(), clock.instant(), row.expiresAt(), null);
  }
}
