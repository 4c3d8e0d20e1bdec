package com.xeadline.uploads.config;

/** A configuration value that must never be printed: toString masks it. */
public record Secret(String value) {
  public boolean isEmpty() {
    return value == null || value.isEmpty();
  }

  @Override
  public String toString() {
    return isEmpty() ? "" : "****";
  }
}
