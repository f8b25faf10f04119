package io.metaspark.app.adapt;

import io.metaspark.app.config.DataError;
import io.metaspark.core.task.Examples;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Numeric CSV rows as examples: each row holds the features, then (for training data) the targets.
 * An optional first line of column names is recognised by not being numeric. Any Hadoop URI.
 */
final class CsvExamples {
  private CsvExamples() {}

  /** Rows of exactly {@code columns} numbers; errors name the file, line and column. */
  static List<double[]> read(String file, int columns, Configuration hadoop) throws IOException {
    Path path = new Path(file);
    FileSystem fs = path.getFileSystem(hadoop);
    if (!fs.exists(path)) {
      throw new DataError(file + " does not exist");
    }
    List<double[]> rows = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(path), StandardCharsets.UTF_8))) {
      String line;
      int number = 0;
      while ((line = in.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        String[] cells = line.split(",", -1);
        if (number == 1 && !isNumber(cells[0].trim())) {
          continue;
        }
        if (cells.length != columns) {
          throw new DataError(file + " line " + number + ": " + cells.length + " columns, expected " + columns);
        }
        double[] row = new double[columns];
        for (int c = 0; c < columns; c++) {
          String cell = cells[c].trim();
          if (!isNumber(cell)) {
            throw new DataError(file + " line " + number + " column " + (c + 1) + ": '" + cell + "' is not a number");
          }
          row[c] = Double.parseDouble(cell);
        }
        rows.add(row);
      }
    }
    if (rows.isEmpty()) {
      throw new DataError(file + " has no rows");
    }
    return rows;
  }

  /** Training examples: the first {@code inputs} columns are features, the rest targets. */
  static Examples examples(List<double[]> rows, int inputs, int outputs, DataType dataType) {
    return new Examples(matrix(rows, 0, inputs, dataType), matrix(rows, inputs, outputs, dataType));
  }

  static org.nd4j.linalg.api.ndarray.INDArray matrix(List<double[]> rows, int from, int width, DataType dataType) {
    double[] flat = new double[rows.size() * width];
    for (int r = 0; r < rows.size(); r++) {
      System.arraycopy(rows.get(r), from, flat, r * width, width);
    }
    return Nd4j.create(flat, new long[] {rows.size(), width}, DataType.DOUBLE).castTo(dataType);
  }

  private static boolean isNumber(String s) {
    try {
      double v = Double.parseDouble(s);
      return Double.isFinite(v);
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
