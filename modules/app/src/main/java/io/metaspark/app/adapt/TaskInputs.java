package io.metaspark.app.adapt;

import io.metaspark.app.run.RunDirectory;
import io.metaspark.core.model.Dl4jLearner;
import io.metaspark.core.task.Examples;
import java.io.IOException;
import java.io.PrintStream;

/**
 * A new task's inputs to adapt: its labelled examples and, if asked for, the inputs to predict
 * for, all read and checked before anything is adapted or saved.
 */
interface TaskInputs {
  String PREDICTIONS = "predictions.csv";

  Examples examples();

  /** Writes predictions.csv into {@code dir}, if there is anything to predict: {@code predictor}'s at {@code adapted}. */
  void writePredictions(Dl4jLearner predictor, double[] adapted, RunDirectory dir, PrintStream out) throws IOException;
}
