package com.xeadline.uploads.server.auth;

/** A bearer token that must be refused with 401; the message goes into error_description. */
public final class InvalidTokenException extends Exception {
  public InvalidTokenException(String description) {
    super(description);
  }
}
