package io.metaspark.app.ml;

import java.io.Serializable;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.param.StringArrayParam;
import scala.runtime.AbstractFunction1;

/**
 * The column params {@link MetaLearner} and {@link MetaModel} share, each declared here once with
 * its documentation, default and check; both classes hold their own instances (a param belongs to
 * one owner) and set these defaults.
 */
final class ColumnParams {
  static final String GROUP_COL = "group";
  static final String LABEL_COL = "label";
  static final String PREDICTION_COL = "prediction";
  static final String PROBABILITY_COL = "probability";
  static final String LABELLED_ROWS_COL = "labelledRows";

  private ColumnParams() {}

  static Param<String> groupCol(Params owner) {
    return new Param<>(owner, "groupCol", "the column whose value names a row's group (a user, a device, a site;"
        + " any type): each group is a task, adapted on its own labelled rows");
  }

  static StringArrayParam featuresCols(Params owner) {
    return new StringArrayParam(owner, "featuresCols", "the numeric columns the network takes as inputs, in this"
        + " order (at least one, none twice)", new DistinctNames());
  }

  static Param<String> labelCol(Params owner) {
    return new Param<>(owner, "labelCol", "the numeric column to learn: a real-valued target (regression) or class"
        + " labels (classification). In transform, a row whose label is null is one to predict; the group's other"
        + " rows are what it adapts on");
  }

  static Param<String> predictionCol(Params owner) {
    return new Param<>(owner, "predictionCol", "transform's output: the adapted model's prediction for every row"
        + " (a classifier's: the predicted label value); null in a group with fewer than minLabelledRows labelled"
        + " rows");
  }

  static Param<String> probabilityCol(Params owner) {
    return new Param<>(owner, "probabilityCol", "transform's output for a classifier: the class probabilities"
        + " (array<double>, classes in ascending label order)");
  }

  static Param<String> labelledRowsCol(Params owner) {
    return new Param<>(owner, "labelledRowsCol", "transform's output: how many labelled rows the row's group has"
        + " (what it was adapted on)");
  }

  /** A serializable check (a Java lambda would not be), as Spark's own validators are. */
  private static final class DistinctNames extends AbstractFunction1<String[], Object> implements Serializable {
    @Override
    public Object apply(String[] columns) {
      return columns.length > 0 && new HashSet<>(Arrays.asList(columns)).size() == columns.length;
    }
  }

  /**
   * Spark's line for a param, with values as their JSON (Spark's own prints an array as
   * {@code [Ljava.lang.String;@1b2c3d}): "name: doc (default: v, current: w)".
   */
  static <T> String explain(Params owner, Param<T> param) {
    List<String> values = new ArrayList<>();
    if (owner.hasDefault(param)) {
      values.add("default: " + param.jsonEncode(owner.getDefault(param).get()));
    }
    if (owner.isSet(param)) {
      values.add("current: " + param.jsonEncode(owner.get(param).get()));
    }
    return param.name() + ": " + param.doc() + (values.isEmpty() ? " (undefined)" : " (" + String.join(", ", values)
        + ")");
  }

  static IntParam minLabelledRows(Params owner) {
    return new IntParam(owner, "minLabelledRows", "transform adapts a group only if it has at least this many"
        + " labelled rows; the rows of a smaller group are kept, with a null prediction (0: a group without labels"
        + " is predicted from the meta-learned start). Default: the support size K the model was trained with",
        ParamValidators.gtEq(0));
  }
}
