package com.xeadline.uploads.storage;

import java.time.Instant;

/** What a provider knows of a stored object. {@code contentType} may be null (local disk). */
public record StoredObject(String key, long size, String contentType, Instant created) {}
