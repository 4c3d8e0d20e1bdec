package com.xeadline.uploads.tus.upload;

import com.xeadline.uploads.tus.rows.UploadRow;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import me.desair.tus.server.exception.UploadAlreadyLockedException;
import me.desair.tus.server.exception.UploadNotFoundException;
import me.desair.tus.server.upload.UploadInfo;
import me.desair.tus.server.upload.UploadType;
import me.desair.tus.server.upload.concatenation.UploadConcatenationService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * tus concatenation with real bytes: once every partial upload of a final is finished, their
 * files are joined into the final's file (a kernel-side copy into a temporary file, then an
 * atomic rename), so the final is an ordinary finished upload from then on. Until then the final
 * is unfinished (concatenation-unfinished); it completes when its last part does.
 */
public final class FileConcatenation implements UploadConcatenationService, UploadFinishedListener {
  private static final Logger log = LoggerFactory.getLogger(FileConcatenation.class);

  private final UploadService storage;
  private final UploadLocks locks;

  public FileConcatenation(UploadService storage, UploadLocks locks) {
    this.storage = storage;
    this.locks = locks;
  }

  /** Joins the parts of {@code finalRow} if all are finished; returns the row as it is now. */
  public UploadRow tryComplete(UploadRow finalRow) throws IOException {
    if (finalRow.isFinished() || !UploadType.CONCATENATED.name().equals(finalRow.uploadType())) {
      return finalRow;
    }
    List<UploadRow> parts = new ArrayList<>();
    for (String partId : finalRow.concatParts()) {
      Optional<UploadRow> part = storage.find(partId);
      if (part.isEmpty() || !part.get().isFinished()) {
        return finalRow;
      }
      parts.add(part.get());
    }
    try (UploadLocks.Lease lease = locks.acquire(finalRow.id(), Duration.ZERO, () -> {})) {
      UploadRow current = storage.find(finalRow.id()).orElse(finalRow);
      if (current.isFinished()) {
        return current;
      }
      long total = join(finalRow.id(), parts);
      storage.completeConcatenation(current, total);
      log.atInfo()
          .addKeyValue("upload_id", finalRow.id())
          .addKeyValue("parts", parts.size())
          .addKeyValue("length", total)
          .log("upload.concatenated");
      return storage.find(finalRow.id()).orElse(current);
    } catch (UploadAlreadyLockedException busy) {
      return finalRow; // another request is joining it right now
    }
  }

  private long join(String finalId, List<UploadRow> parts) throws IOException {
    if (storage.bytes() instanceof InProgressParts inBucket) {
      return inBucket.concatenate(finalId, parts); // compose in the bucket; nothing comes here
    }
    UploadFiles files = storage.files();
    Path target = files.path(finalId);
    Path temp = target.resolveSibling(target.getFileName() + ".joining");
    long total = 0;
    try (FileChannel out =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      for (UploadRow part : parts) {
        try (FileChannel in = files.openForRead(part.id())) {
          long size = part.length();
          long copied = 0;
          while (copied < size) {
            copied += in.transferTo(copied, size - copied, out);
          }
          total += size;
        }
      }
      out.force(true);
    }
    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return total;
  }

  @Override
  public void uploadFinished(UploadRow row) {
    if (!UploadType.PARTIAL.name().equals(row.uploadType())) {
      return;
    }
    for (UploadRow waiting : storage.finalsWaitingFor(row)) {
      try {
        tryComplete(waiting);
      } catch (IOException e) {
        log.atError().addKeyValue("upload_id", waiting.id()).setCause(e).log("upload.concatenation_failed");
      }
    }
  }

  // ---- tus-java-server's UploadConcatenationService (used by its HEAD handler) ----------------

  @Override
  public void merge(UploadInfo info) throws IOException, UploadNotFoundException {
    if (info == null || info.getUploadType() != UploadType.CONCATENATED) {
      return;
    }
    UploadRow row = storage.find(info.getId().toString()).orElseThrow(() -> new UploadNotFoundException("Upload not found"));
    UploadRow now = tryComplete(row);
    if (now.length() != null) {
      info.setLength(now.length());
    }
    info.setOffset(now.offset());
  }

  @Override
  public InputStream getConcatenatedBytes(UploadInfo info) throws IOException, UploadNotFoundException {
    merge(info);
    if (info.isUploadInProgress()) {
      return null;
    }
    UploadRow row = storage.find(info.getId().toString()).orElseThrow(() -> new UploadNotFoundException("Upload not found"));
    return storage.bytes().open(row.id(), 0, row.length());
  }

  @Override
  public List<UploadInfo> getPartialUploads(UploadInfo info) throws IOException, UploadNotFoundException {
    List<UploadInfo> parts = new ArrayList<>();
    if (info.getConcatenationPartIds() == null) {
      return parts;
    }
    for (String partId : info.getConcatenationPartIds()) {
      UploadRow part = storage.find(partId).orElseThrow(() -> new UploadNotFoundException("Partial upload " + partId + " not found"));
      parts.add(storage.toInfo(part));
    }
    return parts;
  }
}
