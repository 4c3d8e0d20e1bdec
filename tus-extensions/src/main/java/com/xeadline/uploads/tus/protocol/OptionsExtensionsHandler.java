package com.xeadline.uploads.tus.protocol;

import java.util.List;
import me.desair.tus.server.util.AbstractExtensionRequestHandler;

/** Adds extension names to the Tus-Extension header of an OPTIONS answer. */
final class OptionsExtensionsHandler extends AbstractExtensionRequestHandler {
  private final List<String> names;

  OptionsExtensionsHandler(String... names) {
    this.names = List.of(names);
  }

  @Override
  protected void appendExtensions(StringBuilder extensions) {
    for (String name : names) {
      addExtension(extensions, name);
    }
  }
}
