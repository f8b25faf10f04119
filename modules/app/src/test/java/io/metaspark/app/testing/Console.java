package io.metaspark.app.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.function.Consumer;

/** What a command printed, to assert on messages a user would read. */
public final class Console {
  private Console() {}

  public static String out(Runnable r) {
    return captured(r, System.out, System::setOut);
  }

  public static String err(Runnable r) {
    return captured(r, System.err, System::setErr);
  }

  private static String captured(Runnable r, PrintStream old, Consumer<PrintStream> set) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    set.accept(new PrintStream(buffer, true));
    try {
      r.run();
    } finally {
      set.accept(old);
    }
    return buffer.toString();
  }
}
