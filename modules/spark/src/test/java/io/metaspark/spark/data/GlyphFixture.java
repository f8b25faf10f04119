package io.metaspark.spark.data;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Draws the project's own Omniglot-shaped fixture (never copied from the real data):
 * {@code images_background} with 3 alphabets and {@code images_evaluation} with 2, 3 characters
 * each, 20 drawers per character, 105x105 1-bit PNGs, black strokes on white, named as Omniglot's
 * {@code <alphabet>/characterNN/<id>_<drawer>.png}. A character is 2 to 4 random curves; each
 * drawer redraws them with jittered control points and pen width, as people redraw a glyph.
 *
 * <p>The committed copy in src-test-data/glyphs was made with
 * {@code java modules/spark/src/test/java/io/metaspark/spark/data/GlyphFixture.java src-test-data/glyphs}.
 */
public final class GlyphFixture {
  static final int SIZE = 105;
  static final int DRAWERS = 20;
  static final String[][] ALPHABETS = {
      {"images_background", "Alpha_Script", "Beta_Runes", "Gamma_Marks"},
      {"images_evaluation", "Delta_Signs", "Epsilon_Hand"}};
  static final int CHARACTERS_PER_ALPHABET = 3;

  private GlyphFixture() {}

  public static void main(String[] args) throws IOException {
    write(Path.of(args[0]));
  }

  static void write(Path root) throws IOException {
    SplittableRandom random = new SplittableRandom(20261122L);
    int id = 1;
    for (String[] group : ALPHABETS) {
      for (int a = 1; a < group.length; a++) {
        for (int c = 1; c <= CHARACTERS_PER_ALPHABET; c++) {
          Path folder = Files.createDirectories(root.resolve(group[0]).resolve(group[a]).resolve(String.format("character%02d", c)));
          double[][] strokes = character(random);
          for (int drawer = 1; drawer <= DRAWERS; drawer++) {
            ImageIO.write(drawing(strokes, random), "png", folder.resolve(String.format("%04d_%02d.png", id, drawer)).toFile());
          }
          id++;
        }
      }
    }
  }

  /** Each stroke is a quadratic curve: start, control and end point. */
  private static double[][] character(SplittableRandom random) {
    double[][] strokes = new double[2 + random.nextInt(3)][6];
    for (double[] stroke : strokes) {
      for (int i = 0; i < 6; i++) {
        stroke[i] = 20 + random.nextDouble() * (SIZE - 40);
      }
    }
    return strokes;
  }

  private static BufferedImage drawing(double[][] strokes, SplittableRandom random) {
    BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_BYTE_BINARY);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, SIZE, SIZE);
    g.setColor(Color.BLACK);
    g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    g.setStroke(new BasicStroke((float) (2 + random.nextDouble() * 2), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    for (double[] s : strokes) {
      Path2D.Double curve = new Path2D.Double();
      curve.moveTo(jitter(s[0], random), jitter(s[1], random));
      curve.quadTo(jitter(s[2], random), jitter(s[3], random), jitter(s[4], random), jitter(s[5], random));
      g.draw(curve);
    }
    g.dispose();
    return image;
  }

  private static double jitter(double coordinate, SplittableRandom random) {
    return coordinate + (random.nextDouble() - 0.5) * 8;
  }
}
