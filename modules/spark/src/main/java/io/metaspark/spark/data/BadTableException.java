package io.metaspark.spark.data;

/**
 * A table that cannot become tasks as it is: a column that is not numeric, an empty or missing
 * value, no rows. The message names the column and, where Spark can tell, the file.
 */
public final class BadTableException extends RuntimeException {
  public BadTableException(String message) {
    super(message);
  }
}
