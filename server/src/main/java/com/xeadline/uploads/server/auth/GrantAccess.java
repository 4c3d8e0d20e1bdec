package com.xeadline.uploads.server.auth;

import com.xeadline.uploads.tus.upload.UploadService;
import com.xeadline.uploads.tus.rows.UploadRow;
import java.util.Optional;

/** Whose upload a direct-upload grant opens, if the grant is genuine and current. */
public final class GrantAccess {
  private final UploadGrants grants;
  private final UploadService storage;

  public GrantAccess(UploadGrants grants, UploadService storage) {
    this.grants = grants;
    this.storage = storage;
  }

  /** A finished upload's row, for reading without a token when finals are public. */
  public Optional<UploadRow> finished(String uploadId) {
    if (uploadId == null || !uploadId.matches("[0-9a-f-]{36}")) {
      return Optional.empty();
    }
    return storage.find(uploadId).filter(UploadRow::isFinished).filter(row -> row.status() == com.xeadline.uploads.tus.rows.UploadStatus.COMPLETED);
  }

  /** A finished upload's row when {@code link} is a current read link made for it. */
  public Optional<UploadRow> readable(String uploadId, String link) {
    return finished(uploadId).filter(row -> grants.verifyRead(link, row.id()));
  }

  /** The upload's row when {@code grant} was made for it (and its owner) and has not expired. */
  public Optional<UploadRow> granted(String uploadId, String grant) {
    if (uploadId == null || !uploadId.matches("[0-9a-f-]{36}")) {
      return Optional.empty();
    }
    return storage.find(uploadId).filter(row -> grants.verify(grant, row.id(), row.userId()));
  }
}
