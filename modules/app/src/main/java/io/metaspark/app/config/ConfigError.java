package io.metaspark.app.config;

/** A problem with the job's configuration, found before any work starts. Exit code 2. */
public final class ConfigError extends RuntimeException {
  public ConfigError(String message) {
    super(message);
  }

  public ConfigError(String message, Throwable cause) {
    super(message, cause);
  }
}
