package io.metaspark.app.config;

/** Missing, unreadable or malformed data, found before any work is done. Exit code 3. */
public final class DataError extends RuntimeException {
  public DataError(String message) {
    super(message);
  }
}
