package io.metaspark.app.evaluate;

/**
 * An evaluation whose adaptation diverged ({@link EvaluationDivergence}): exit code 4, after its
 * results are written.
 */
public final class EvaluationDiverged extends RuntimeException {
  EvaluationDiverged(String message) {
    super(message);
  }
}
