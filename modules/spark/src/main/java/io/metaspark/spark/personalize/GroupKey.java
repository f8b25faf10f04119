package io.metaspark.spark.personalize;

import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Row;

/** A row's group, as text (the column may be of any type); a row without one is an error. */
public record GroupKey(String column, int index) implements MapFunction<Row, String> {
  @Override
  public String call(Row row) {
    if (row.isNullAt(index)) {
      throw new BadGroupException("group column '" + column + "' has an empty value");
    }
    return String.valueOf(row.get(index));
  }
}
