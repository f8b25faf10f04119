package io.metaspark.app.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

/** What a command printed, to assert on messages a user would read. */
public final class Console {
  private Console() {}

  public static String out(Runnable r) {
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

  public static String err(Runnable r) {
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
