package io.metaspark.spark.personalize;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A group's rows, each followed by the adapted model's prediction (for a classifier the class's
 * label value, then the class probabilities) and the group's count of labelled rows. The rows of a
 * group with too few labelled rows keep a null prediction: they are marked, never dropped.
 */
public record PredictGroup(GroupAdapter adapter) implements FlatMapGroupsFunction<String, Row, Row> {
  @Override
  public Iterator<Row> call(String key, Iterator<Row> rows) {
    AdaptedGroup group = adapter.adapt(key, rows);
    GroupColumns columns = adapter.columns();
    INDArray outputs = group.isAdapted() ? adapter.outputs(group) : null;
    List<Row> out = new ArrayList<>(group.rows().size());
    for (int r = 0; r < group.rows().size(); r++) {
      Row row = group.rows().get(r);
      int width = row.length();
      int added = columns.classification() ? 3 : 2;
      Object[] values = new Object[width + added];
      for (int i = 0; i < width; i++) {
        values[i] = row.get(i);
      }
      if (outputs != null) {
        if (columns.classification()) {
          double[] probabilities = outputs.getRow(r).castTo(DataType.DOUBLE)
              .toDoubleVector();
          values[width] = columns.classValues()[argmax(probabilities)];
          values[width + 1] = probabilities;
        } else {
          values[width] = outputs.getDouble(r, 0);
        }
      }
      values[width + added - 1] = group.labelledRows();
      out.add(RowFactory.create(values));
    }
    return out.iterator();
  }

  /** The first largest: ties go to the lower class, as DL4J's argmax. */
  private static int argmax(double[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }
}
