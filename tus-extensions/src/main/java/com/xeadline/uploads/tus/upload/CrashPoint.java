package com.xeadline.uploads.tus.upload;

/**
 * A test seam for crash recovery: started with {@code -Duploads.crash-at=<name>}, the process
 * halts at that point the way {@code kill -9} ends it (no shutdown hooks, no flush, no close).
 * Without the property this does nothing.
 */
public final class CrashPoint {
  private static final String AT = System.getProperty("uploads.crash-at", "");

  private CrashPoint() {}

  public static void reach(String name) {
    if (AT.equals(name)) {
      Runtime.getRuntime().halt(137);
    }
  }
}
