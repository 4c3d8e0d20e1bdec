package com.xeadline.uploads.server.jobs;

import java.time.Instant;

/** One row of the jobs table. {@code payload} says which work of its kind (a rendition name). */
public record Job(
    String id,
    String kind,
    String uploadId,
    String payload,
    String status,
    int attempts,
    int maxAttempts,
    Integer progress,
    String lastError,
    Instant updatedAt) {}
