package com.xeadline.uploads.tus.upload;

import com.xeadline.uploads.tus.rows.UploadRow;
import java.time.Clock;
import java.util.List;
import me.desair.tus.server.upload.UploadId;
import me.desair.tus.server.upload.UploadInfo;
import me.desair.tus.server.upload.UploadType;

/**
 * tus-java-server's view of an {@link UploadRow}. Overrides the parts of {@link UploadInfo} that
 * would otherwise read the wall clock or treat a zero length as "no length".
 */
public final class RowUploadInfo extends UploadInfo {
  private final Clock clock;
  private final long createdAtMillis;
  private Long length;
  private Long expiresAtMillis;

  RowUploadInfo(UploadRow row, Clock clock) {
    this.clock = clock;
    this.createdAtMillis = row.createdAt().toEpochMilli();
    this.length = row.length();
    this.expiresAtMillis = row.expiresAt() == null ? null : row.expiresAt().toEpochMilli();
    setId(new UploadId(row.id()));
    setOffset(row.offset());
    setOwnerKey(row.userId());
    setEncodedMetadata(row.encodedMetadata());
    setUploadType(UploadType.valueOf(row.uploadType()));
    setUploadConcatHeaderValue(row.uploadConcat());
    setConcatenationPartIds(row.concatParts().isEmpty() ? null : List.copyOf(row.concatParts()));
  }

  String idValue() {
    return getId().toString();
  }

  @Override
  public Long getLength() {
    return length;
  }

  @Override
  public void setLength(Long length) {
    this.length = length;
  }

  @Override
  public boolean hasLength() {
    return length != null;
  }

  @Override
  public boolean isUploadInProgress() {
    return length == null || getOffset() < length;
  }

  @Override
  public Long getCreationTimestamp() {
    return createdAtMillis;
  }

  @Override
  public Long getExpirationTimestamp() {
    return expiresAtMillis;
  }

  @Override
  public void updateExpiration(long expirationPeriod) {
    expiresAtMillis = getCurrentTime() + expirationPeriod;
  }

  @Override
  public boolean isExpired() {
    return isUploadInProgress() && expiresAtMillis != null && expiresAtMillis < getCurrentTime();
  }

  @Override
  protected long getCurrentTime() {
    // UploadInfo's constructor asks before this.clock is set; that answer is overwritten.
    return clock == null ? 0 : clock.millis();
  }
}
