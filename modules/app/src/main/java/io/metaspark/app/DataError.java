package io.metaspark.app;

/** Missing, unreadable or malformed data, found before any work is done. Exit code 3. */
final class DataError extends RuntimeException {
  DataError(String message) {
    super(message);
  }
}
