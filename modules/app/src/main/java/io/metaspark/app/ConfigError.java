package io.metaspark.app;

/** A problem with the job's configuration, found before any work starts. Exit code 2. */
final class ConfigError extends RuntimeException {
  ConfigError(String message) {
    super(message);
  }

  ConfigError(String message, Throwable cause) {
    super(message, cause);
  }
}
