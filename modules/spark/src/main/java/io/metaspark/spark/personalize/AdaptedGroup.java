package io.metaspark.spark.personalize;

import java.util.List;
import org.apache.spark.sql.Row;

/**
 * One group after adaptation: its rows as they came, every row's features (row-major), how many of
 * them were labelled, and the network's parameters adapted on those rows.
 *
 * @param adapted the adapted network parameters, or null when the group had fewer labelled rows
 *     than the minimum
 */
public record AdaptedGroup(String key, List<Row> rows, double[] features, int labelledRows, double[] adapted) {
  public boolean isAdapted() {
    return adapted != null;
  }
}
