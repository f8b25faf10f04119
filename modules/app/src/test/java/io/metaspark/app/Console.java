package io.metaspark.app;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

/** What a command printed, to assert on messages a user would read. */
final class Console {
  private Console() {}

  static String out(Runnable r) {
    PrintStream old = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true));
    try {
      r.run();
    } finally {
      System.setOut(old);
    }
    return buffer.toString();
  }

  static String err(Runnable r) {
    PrintStream old = System.err;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buffer, true));
    try {
      r.run();
    } finally {
      System.setErr(old);
    }
    return buffer.toString();
  }
}
