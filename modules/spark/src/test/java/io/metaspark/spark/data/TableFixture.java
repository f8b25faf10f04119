package io.metaspark.spark.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The project's own grouped tables (src-test-data/tables), as CSV with a header line; the Parquet
 * copies are these CSVs written by Spark ({@code TableFixtureTest}, which also checks that the
 * committed files are what this class writes). Values have 4 decimals, so CSV and Parquet hold
 * the same doubles.
 *
 * <ul>
 *   <li>{@code regression.csv}: 60 sites ({@code site-00} ...), x1, x2, x3 ~ N(0, 1) and
 *       y = w_site . x + b_site + noise, where w_site = (1, -0.5, 0.25) + 0.5 N(0, I) and b_site ~ N(0, 1):
 *       what sites share is learnable, what they do not is adapted to. Sites 00, 17, 34 and 51 have
 *       6 to 12 rows (too few for K + Q = 5 + 10), the others 20 to 40.</li>
 *   <li>{@code classification.csv}: 40 devices, f1, f2 and label in {0, 1, 2}: points around three
 *       class centres (radius 2, 120 degrees apart) shifted by a per-device offset ~ N(0, I); 30 rows
 *       each, except devices 05 and 25 with 8.</li>
 * </ul>
 *
 * <p>Regenerate with {@code java modules/spark/src/test/java/io/metaspark/spark/data/TableFixture.java
 * src-test-data/tables}, then the Parquet copies (see src-test-data/README.md).
 */
public final class TableFixture {
  static final int SITES = 60;
  static final int DEVICES = 40;

  private TableFixture() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("regression.csv"), regression(), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("classification.csv"), classification(), StandardCharsets.UTF_8);
  }

  static String regression() {
    SplittableRandom random = new SplittableRandom(20261122L);
    StringBuilder csv = new StringBuilder("site,x1,x2,x3,y\n");
    double[] shared = {1.0, -0.5, 0.25};
    for (int s = 0; s < SITES; s++) {
      double[] w = new double[3];
      for (int j = 0; j < 3; j++) {
        w[j] = shared[j] + 0.5 * gaussian(random);
      }
      double b = gaussian(random);
      int rows = s % 17 == 0 ? 6 + random.nextInt(7) : 20 + random.nextInt(21);
      for (int r = 0; r < rows; r++) {
        double[] x = {round(gaussian(random)), round(gaussian(random)), round(gaussian(random))};
        double y = w[0] * x[0] + w[1] * x[1] + w[2] * x[2] + b + 0.1 * gaussian(random);
        csv.append(String.format(Locale.ROOT, "site-%02d,%.4f,%.4f,%.4f,%.4f%n", s, x[0], x[1], x[2], y));
      }
    }
    return csv.toString();
  }

  static String classification() {
    SplittableRandom random = new SplittableRandom(20261123L);
    StringBuilder csv = new StringBuilder("device,f1,f2,label\n");
    for (int d = 0; d < DEVICES; d++) {
      double dx = gaussian(random);
      double dy = gaussian(random);
      int rows = d % 20 == 5 ? 8 : 30;
      for (int r = 0; r < rows; r++) {
        int label = random.nextInt(3);
        double angle = 2 * Math.PI * label / 3;
        double f1 = 2 * Math.cos(angle) + dx + 0.5 * gaussian(random);
        double f2 = 2 * Math.sin(angle) + dy + 0.5 * gaussian(random);
        csv.append(String.format(Locale.ROOT, "device-%02d,%.4f,%.4f,%d%n", d, f1, f2, label));
      }
    }
    return csv.toString();
  }

  private static double round(double v) {
    return Math.round(v * 1e4) / 1e4;
  }

  /** Box-Muller, from the generator alone (SplittableRandom has no nextGaussian before Java 17's RandomGenerator). */
  private static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }
}
