package com.xeadline.uploads.server.cli;

import java.io.PrintStream;
import java.util.Locale;

/** Upload progress: a bar redrawn in place on a terminal, plain lines (every 5 %) otherwise. */
final class Progress {
  private static final double MIB = 1024 * 1024;
  private final long total;
  private final long startOffset;
  private final boolean terminal;
  private final PrintStream out;
  private final long startNanos = System.nanoTime();
  private int lastPercentPrinted = -1;

  Progress(long total, long startOffset, boolean terminal, PrintStream out) {
    this.total = total;
    this.startOffset = startOffset;
    this.terminal = terminal;
    this.out = out;
  }

  void update(long offset) {
    int percent = total == 0 ? 100 : (int) (offset * 100 / total);
    double seconds = Math.max(0.001, (System.nanoTime() - startNanos) / 1e9);
    double rate = (offset - startOffset) / MIB / seconds;
    long etaSeconds = rate <= 0 ? 0 : (long) ((total - offset) / MIB / rate);
    String figures =
        String.format(Locale.ROOT, "%3d%% %.1f/%.1f MiB %.1f MiB/s ETA %d:%02d",
            percent, offset / MIB, total / MIB, rate, etaSeconds / 60, etaSeconds % 60);
    if (terminal) {
      int filled = percent * 30 / 100;
      out.print("\r[" + "#".repeat(filled) + ".".repeat(30 - filled) + "] " + figures);
      out.flush();
    } else if (percent / 5 != lastPercentPrinted / 5 || percent == 100) {
      if (percent != lastPercentPrinted) {
        out.println(figures);
      }
    }
    lastPercentPrinted = percent;
  }

  void done() {
    if (terminal) {
      out.println();
    }
  }
}
