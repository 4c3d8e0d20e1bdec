package com.xeadline.uploads.tus.upload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ContentSignatureTest {
  private static final byte[] MP4 = {0, 0, 0, 0x20, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm'};
  private static final byte[] MOV_MDAT = {0, 0, 0, 8, 'm', 'd', 'a', 't', 0, 0, 0, 0};
  private static final byte[] WEBM = {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3, 0, 0, 0, 0, 0, 0, 0, 0};
  private static final byte[] TEXT = "hello, world".getBytes(StandardCharsets.US_ASCII);

  @Test
  void knowsTheVideoSignatures() {
    assertThat(ContentSignature.matches("video/mp4", MP4)).isTrue();
    assertThat(ContentSignature.matches("video/quicktime", MP4)).isTrue();
    assertThat(ContentSignature.matches("video/quicktime", MOV_MDAT)).isTrue();
    assertThat(ContentSignature.matches("video/mp4", MOV_MDAT)).isFalse();
    assertThat(ContentSignature.matches("video/webm", WEBM)).isTrue();
    assertThat(ContentSignature.matches("video/webm", MP4)).isFalse();
    assertThat(ContentSignature.matches("video/mp4", TEXT)).isFalse();
    assertThat(ContentSignature.matches("video/mp4", new byte[3])).isFalse();
  }
}
