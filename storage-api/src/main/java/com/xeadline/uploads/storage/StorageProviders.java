package com.xeadline.uploads.storage;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The configured provider (new finals go there) and every provider old rows may name. */
public final class StorageProviders {
  private final StorageProvider current;
  private final Map<String, StorageProvider> byName = new LinkedHashMap<>();

  public StorageProviders(StorageProvider current, List<StorageProvider> others) {
    this.current = current;
    byName.put(current.name(), current);
    for (StorageProvider other : others) {
      byName.putIfAbsent(other.name(), other);
    }
  }

  public StorageProvider current() {
    return current;
  }

  public Optional<StorageProvider> named(String name) {
    return Optional.ofNullable(byName.get(name));
  }
}
