package com.xeadline.uploads.tus.rows;

/** A creation refused by a user's quota; says which limit and the numbers. */
public final class QuotaExceededException extends Exception {
  private final String quota;
  private final long limit;
  private final long used;
  private final long requested;

  public QuotaExceededException(String quota, long limit, long used, long requested) {
    super(
        switch (quota) {
          case "uploads-per-day" -> "Daily upload quota reached: " + used + " of " + limit + " uploads today";
          default -> "Storage quota exceeded: " + used + " of " + limit + " bytes used, " + requested + " more requested";
        });
    this.quota = quota;
    this.limit = limit;
    this.used = used;
    this.requested = requested;
  }

  public String quota() {
    return quota;
  }

  public long limit() {
    return limit;
  }

  public long used() {
    return used;
  }

  public long requested() {
    return requested;
  }
}
