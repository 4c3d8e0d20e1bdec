package com.xeadline.uploads.tus.protocol;

import com.xeadline.uploads.tus.rows.NewUpload;
import com.xeadline.uploads.tus.rows.QuotaExceededException;
import com.xeadline.uploads.tus.rows.UploadRow;
import com.xeadline.uploads.tus.rows.UploadSessions;
import com.xeadline.uploads.tus.upload.BodyCheck;
import com.xeadline.uploads.tus.upload.CreationGate;
import com.xeadline.uploads.tus.upload.UploadFiles;
import com.xeadline.uploads.tus.upload.UploadMetadata;
import com.xeadline.uploads.tus.upload.UploadService;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.time.Instant;
import java.util.List;
import me.desair.tus.server.exception.TusException;
import me.desair.tus.server.exception.UploadNotFoundException;
import me.desair.tus.server.upload.UploadId;
import me.desair.tus.server.upload.UploadIdFactory;
import me.desair.tus.server.upload.UploadInfo;
import me.desair.tus.server.upload.UploadLockingService;
import me.desair.tus.server.upload.UploadStorageService;
import me.desair.tus.server.upload.UploadType;
import me.desair.tus.server.upload.concatenation.UploadConcatenationService;

/**
 * tus-java-server's storage seam, translated onto the {@link UploadService}: one SQL row per
 * upload ({@link UploadSessions}) and one file of bytes ({@link UploadFiles}). The row is the only
 * truth for offset, length, owner, metadata and expiry; there are no {@code .info} files.
 */
public final class TusUploadStorage implements UploadStorageService {
  private final UploadService uploads;
  private final UploadSessions sessions;
  private final UploadFiles files;
  private UploadConcatenationService concatenationService;

  public TusUploadStorage(UploadService uploads) {
    this.uploads = uploads;
    this.sessions = uploads.sessions();
    this.files = uploads.files();
  }

  @Override
  public UploadInfo getUploadInfo(String uploadUrl, String ownerKey) {
    return uploads.getUploadInfo(uploadUrl, ownerKey);
  }

  @Override
  public UploadInfo getUploadInfo(UploadId id) {
    return uploads.getUploadInfo(id);
  }

  @Override
  public String getUploadUri() {
    return uploads.getUploadUri();
  }

  @Override
  public UploadInfo append(UploadInfo info, InputStream inputStream)
      throws IOException, TusException {
    UploadRow row =
        sessions.find(info.getId().toString()).orElseThrow(() -> new UploadNotFoundException("Upload not found"));
    return uploads.toInfo(uploads.appendBody(row, inputStream, BodyCheck.NONE));
  }

  @Override
  public void setMaxUploadSize(Long maxUploadSize) {
    uploads.setMaxUploadSize(maxUploadSize);
  }

  @Override
  public long getMaxUploadSize() {
    return uploads.getMaxUploadSize();
  }

  @Override
  public UploadInfo create(UploadInfo info, String ownerKey) throws IOException {
    UploadRow row;
    try {
      row =
          uploads.createUpload(
              new NewUpload(
                  ownerKey,
                  info.getLength(),
                  info.getEncodedMetadata(),
                  UploadMetadata.decode(info.getEncodedMetadata()),
                  info.getCreatorIpAddresses(),
                  UploadType.REGULAR.name(),
                  null,
                  List.of(),
                  null,
                  null,
                  null));
    } catch (QuotaExceededException | CreationGate.Refused e) {
      throw new IOException(e.getMessage(), e);
    }
    return uploads.toInfo(row);
  }

  /** Persists what tus-java-server's concatenation and expiration handlers change on an info. */
  @Override
  public void update(UploadInfo info) throws UploadNotFoundException {
    String id = info.getId().toString();
    UploadRow row = sessions.find(id).orElseThrow(() -> new UploadNotFoundException("Upload " + id + " not found"));
    Long expiresAt = info.getExpirationTimestamp();
    sessions.updateTusFields(
        id,
        info.getLength(),
        info.getUploadType() == null ? row.uploadType() : info.getUploadType().name(),
        info.getUploadConcatHeaderValue(),
        info.getConcatenationPartIds(),
        expiresAt == null ? null : Instant.ofEpochMilli(expiresAt));
  }

  @Override
  public InputStream getUploadedBytes(String uploadUri, String ownerKey)
      throws IOException, UploadNotFoundException {
    UploadInfo info = getUploadInfo(uploadUri, ownerKey);
    if (info == null) {
      throw new UploadNotFoundException("Upload " + uploadUri + " not found");
    }
    return getUploadedBytes(info.getId());
  }

  @Override
  public InputStream getUploadedBytes(UploadId id) throws IOException, UploadNotFoundException {
    java.util.Optional<UploadRow> row = id == null ? java.util.Optional.empty() : uploads.find(id.toString());
    if (row.isEmpty() || !uploads.bytes().holds(row.get().id(), row.get().offset())) {
      throw new UploadNotFoundException("Upload " + id + " has no bytes");
    }
    return uploads.bytes().open(row.get().id(), 0, row.get().offset());
  }

  @Override
  public void copyUploadTo(UploadInfo info, OutputStream outputStream)
      throws UploadNotFoundException, IOException {
    if (uploads.bytes().inBucket()) {
      try (InputStream in = getUploadedBytes(info.getId())) {
        in.transferTo(outputStream);
      }
      return;
    }
    try (FileChannel channel = files.openForRead(info.getId().toString())) {
      long length = channel.size();
      long position = 0;
      var target = Channels.newChannel(outputStream);
      while (position < length) {
        position += channel.transferTo(position, length - position, target);
      }
    }
  }

  @Override
  public void cleanupExpiredUploads(UploadLockingService uploadLockingService) throws IOException {
    for (UploadRow row : sessions.findExpired(uploads.clock().instant())) {
      if (!uploadLockingService.isLocked(new UploadId(row.id()))) {
        sessions.delete(row.id());
        uploads.bytes().delete(row.id());
      }
    }
  }

  /**
   * Called by tus-java-server after any failed request. BodyWriter never commits the bytes
   * of a refused body and cuts them from the file itself, so there is nothing left to remove here.
   */
  @Override
  public void removeLastNumberOfBytes(UploadInfo uploadInfo, long byteCount) {}

  @Override
  public void terminateUpload(UploadInfo uploadInfo) throws IOException {
    uploads.terminateUpload(uploadInfo);
  }

  @Override
  public Long getUploadExpirationPeriod() {
    return uploads.getUploadExpirationPeriod();
  }

  @Override
  public void setUploadExpirationPeriod(Long uploadExpirationPeriod) {
    uploads.setUploadExpirationPeriod(uploadExpirationPeriod);
  }

  @Override
  public void setUploadConcatenationService(UploadConcatenationService concatenationService) {
    this.concatenationService = concatenationService;
  }

  @Override
  public UploadConcatenationService getUploadConcatenationService() {
    return concatenationService;
  }

  @Override
  public void setIdFactory(UploadIdFactory idFactory) {
    uploads.setIdFactory(idFactory);
  }
}
