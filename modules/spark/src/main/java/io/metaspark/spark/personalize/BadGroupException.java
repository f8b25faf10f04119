package io.metaspark.spark.personalize;

/**
 * A group's rows cannot be adapted on or predicted: an empty group key, an empty or non-finite
 * feature or label, a label that is not one of the model's classes. Thrown on an executor, with the
 * column, value and group named, and found again in the failed job's cause chain on the driver.
 */
public final class BadGroupException extends IllegalArgumentException {
  public BadGroupException(String message) {
    super(message);
  }

  /** The first BadGroupException in {@code e}'s cause chain (a Spark job's failure wraps it), or null. */
  public static BadGroupException in(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BadGroupException bad) {
        return bad;
      }
    }
    return null;
  }
}
