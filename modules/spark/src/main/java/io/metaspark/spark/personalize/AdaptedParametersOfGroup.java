package io.metaspark.spark.personalize;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One row per group: its group value (of the first row, in the column's own type), its count of
 * labelled rows, and the network's parameters adapted on them (null when there were too few): a
 * personalized model per group, in DL4J's parameter order.
 */
public record AdaptedParametersOfGroup(GroupAdapter adapter) implements FlatMapGroupsFunction<String, Row, Row> {
  @Override
  public Iterator<Row> call(String key, Iterator<Row> rows) {
    AdaptedGroup group = adapter.adapt(key, rows);
    Object groupValue = group.rows().get(0).get(adapter.columns().groupIndex());
    return List.of(RowFactory.create(groupValue, group.labelledRows(), group.adapted())).iterator();
  }
}
