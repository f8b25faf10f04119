package io.metaspark.spark.personalize;

import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.model.Learner;
import io.metaspark.core.model.LearnerChoice;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.task.Examples;
import io.metaspark.spark.ThreadLearners;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Adapts a meta-learned model to one group on an executor: the group's labelled rows are its
 * support set, adapted on as the model was trained to adapt (its {@link Adaptation}), in an order
 * only their values decide (as the task store orders a group), so the adapted parameters are the
 * same bits whatever partition or order the rows came in. Holds one group's rows at a time: an
 * executor's memory is bounded by the largest group, not the table.
 */
public final class GroupAdapter implements Serializable {
  private final ModelSpec spec;
  private final double[] meta;
  private final Adaptation adaptation;
  private final LearnerChoice learner;
  private final GroupColumns columns;
  private final int minLabelledRows;

  /**
   * @param meta the meta-parameters (the network's, then what the adaptation learned besides)
   * @param minLabelledRows a group with fewer labelled rows is not adapted (its rows are kept and
   *     marked); 0 adapts a group without labels by predicting from the meta-learned start
   */
  public GroupAdapter(ModelSpec spec, double[] meta, Adaptation adaptation, LearnerChoice learner,
      GroupColumns columns, int minLabelledRows) {
    if (minLabelledRows < 0) {
      throw new IllegalArgumentException("the minimum of labelled rows must be >= 0, got " + minLabelledRows);
    }
    this.spec = spec;
    this.meta = meta.clone();
    this.adaptation = adaptation;
    this.learner = learner;
    this.columns = columns;
    this.minLabelledRows = minLabelledRows;
  }

  public GroupColumns columns() {
    return columns;
  }

  /** Reads and checks the group's rows, then adapts on its labelled ones if it has enough. */
  public AdaptedGroup adapt(String key, Iterator<Row> rowIterator) {
    List<Row> rows = new ArrayList<>();
    List<double[]> labelled = new ArrayList<>();
    int width = columns.featureIndices().length;
    double[] features = new double[16 * width];
    while (rowIterator.hasNext()) {
      Row row = rowIterator.next();
      if (features.length < (rows.size() + 1) * width) {
        features = Arrays.copyOf(features, 2 * features.length);
      }
      columns.readFeatures(row, key, features, rows.size() * width);
      if (columns.labelled(row)) {
        double[] example = Arrays.copyOfRange(features, rows.size() * width, (rows.size() + 1) * width + 1);
        example[width] = columns.readLabel(row, key);
        labelled.add(example);
      }
      rows.add(row);
    }
    features = Arrays.copyOf(features, rows.size() * width);
    if (labelled.size() < minLabelledRows) {
      return new AdaptedGroup(key, rows, features, labelled.size(), null);
    }
    Learner net = learner();
    double[] adapted = labelled.isEmpty() ? adaptation.networkPart(meta).clone()
        : adaptation.adapt(net, meta, examples(labelled, net.dataType()));
    return new AdaptedGroup(key, rows, features, labelled.size(), adapted);
  }

  /** The adapted network's outputs [rows, outputs] for every row of an adapted group. */
  public INDArray outputs(AdaptedGroup group) {
    int width = columns.featureIndices().length;
    INDArray x = Nd4j.create(group.features(), new long[] {group.rows().size(), width}, DataType.DOUBLE)
        .castTo(learner().dataType());
    return learner().outputs(group.adapted(), x);
  }

  private Learner learner() {
    return ThreadLearners.forCurrentThread(spec, learner);
  }

  /** The support set: rows sorted by value, column after column (as the task store sorts a group). */
  private Examples examples(List<double[]> labelled, DataType dataType) {
    labelled.sort(GroupAdapter::compareRows);
    int width = columns.featureIndices().length;
    int outputs = columns.outputs();
    int n = labelled.size();
    double[] x = new double[n * width];
    double[] y = new double[n * outputs];
    for (int i = 0; i < n; i++) {
      double[] row = labelled.get(i);
      System.arraycopy(row, 0, x, i * width, width);
      if (columns.classification()) {
        y[i * outputs + columns.classOf(row[width])] = 1;
      } else {
        y[i] = row[width];
      }
    }
    return new Examples(Nd4j.create(x, new long[] {n, width}, DataType.DOUBLE).castTo(dataType),
        Nd4j.create(y, new long[] {n, outputs}, DataType.DOUBLE).castTo(dataType));
  }

  private static int compareRows(double[] a, double[] b) {
    for (int i = 0; i < a.length; i++) {
      int c = Double.compare(a[i], b[i]);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }
}
