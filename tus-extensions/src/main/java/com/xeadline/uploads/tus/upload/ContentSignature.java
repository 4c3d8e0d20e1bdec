package com.xeadline.uploads.tus.upload;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/**
 * Whether an upload's first bytes look like its declared video type: an ISO-BMFF {@code ftyp} box
 * for MP4 (QuickTime also allows its classic leading atoms), the EBML magic for WebM/Matroska.
 */
public final class ContentSignature {
  /** Bytes needed to decide. */
  public static final int HEAD = 12;

  private static final byte[] EBML = {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3};
  private static final Set<String> QUICKTIME_ATOMS = Set.of("ftyp", "moov", "mdat", "wide", "free", "skip", "pnot");

  private ContentSignature() {}

  /** True when {@code head} (the first bytes, as many as the upload has up to {@link #HEAD}) fits. */
  public static boolean matches(String declaredType, byte[] head) {
    String type = declaredType == null ? "" : declaredType.trim().toLowerCase(Locale.ROOT);
    return switch (type) {
      case "video/mp4" -> atom(head).equals("ftyp");
      case "video/quicktime" -> QUICKTIME_ATOMS.contains(atom(head));
      case "video/webm", "video/x-matroska" -> head.length >= 4 && Arrays.equals(head, 0, 4, EBML, 0, 4);
      default -> true; // types without a known signature are not sniffed
    };
  }

  private static String atom(byte[] head) {
    return head.length < 8 ? "" : new String(head, 4, 4, StandardCharsets.ISO_8859_1);
  }

  /** The first {@link #HEAD} bytes a target holds (fewer when it holds fewer). */
  static byte[] head(AppendTarget target, long held) throws java.io.IOException {
    java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate((int) Math.min(HEAD, held));
    while (head.hasRemaining() && target.read(head, head.position()) > 0) {
      // positional reads until the head is full
    }
    return head.array();
  }
}
