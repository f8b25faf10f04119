package io.metaspark.app.adapt;

import io.metaspark.app.run.RunDirectory;
import io.metaspark.core.model.Dl4jLearner;
import io.metaspark.core.task.Examples;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A task of numeric rows: examples from a CSV (inputs, then targets), and rows of inputs to predict for. */
record CsvInputs(Examples examples, List<double[]> rowsToPredict, int outputs, DataType dataType)
    implements TaskInputs {

  /** @param predict a CSV of inputs, or null */
  static CsvInputs read(String support, String predict, int inputs, int outputs, DataType dataType,
      Configuration hadoop) throws IOException {
    Examples examples = CsvExamples.examples(CsvExamples.read(support, inputs + outputs, hadoop), inputs, outputs,
        dataType);
    return new CsvInputs(examples, predict == null ? null : CsvExamples.read(predict, inputs, hadoop), outputs,
        dataType);
  }

  /** Each row's inputs, then the network's outputs for them. */
  @Override
  public void writePredictions(Dl4jLearner predictor, double[] adapted, RunDirectory dir, PrintStream out)
      throws IOException {
    if (rowsToPredict == null) {
      return;
    }
    List<double[]> rows = rowsToPredict;
    INDArray predictions = predictor.outputs(adapted, CsvExamples.matrix(rows, 0, rows.get(0).length, dataType));
    StringBuilder csv = new StringBuilder();
    for (int r = 0; r < rows.size(); r++) {
      StringBuilder line = new StringBuilder();
      for (double v : rows.get(r)) {
        line.append(v).append(',');
      }
      for (int o = 0; o < outputs; o++) {
        line.append(predictions.getDouble(r, o)).append(o + 1 < outputs ? "," : "");
      }
      csv.append(line).append('\n');
    }
    dir.writeString(PREDICTIONS, csv.toString());
    out.printf("predictions for %d inputs: %s/%s%n", rows.size(), dir, PREDICTIONS);
  }
}
