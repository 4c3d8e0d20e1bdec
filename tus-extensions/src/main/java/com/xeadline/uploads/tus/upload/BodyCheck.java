package com.xeadline.uploads.tus.upload;

import me.desair.tus.server.exception.TusException;

/**
 * A verification of a whole request body (a tus checksum) that must pass before any of the body's
 * bytes are acknowledged.
 */
public interface BodyCheck {
  BodyCheck NONE =
      new BodyCheck() {
        @Override
        public boolean pending() {
          return false;
        }

        @Override
        public void verify() {}
      };

  /** True when the body may only be kept after {@link #verify()}: no partial commits then. */
  boolean pending();

  /** Called once the body has been read to its end. */
  void verify() throws TusException;
}
