package io.metaspark.core.task.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class ImagePreprocessingTest {

  /** An Omniglot-like page: 105x105, 1 bit, white, with a black "L" of 8-pixel strokes in the top-left quarter. */
  static BufferedImage page() {
    BufferedImage image = new BufferedImage(105, 105, BufferedImage.TYPE_BYTE_BINARY);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, 105, 105);
    g.setColor(Color.BLACK);
    g.setStroke(new BasicStroke(8));
    g.drawLine(15, 10, 15, 50);
    g.drawLine(15, 50, 45, 50);
    g.dispose();
    return image;
  }

  @Test
  void strokesBecomeOnesAndThePageZerosAt28x28() {
    float[] pixels = ImagePreprocessing.omniglot().apply(page());
    assertEquals(28 * 28, pixels.length);
    // the vertical stroke covers x in [11, 19) of 105, i.e. [2.9, 5.1) of 28: pixel column 4 is inside it
    assertTrue(pixels[8 * 28 + 4] > 0.95f, "stroke pixel " + pixels[8 * 28 + 4]);
    assertEquals(0f, pixels[27 * 28 + 27], 1e-6f, "page corner");
    assertEquals(0f, pixels[5 * 28 + 20], 1e-6f, "page beside the L");
    for (float v : pixels) {
      assertTrue(v >= 0f && v <= 1f);
    }
  }

  @Test
  void withoutInvertStrokesAreDark() {
    float[] pixels = new ImagePreprocessing(28, 28, true, false, ImagePreprocessing.Resize.AREA_AVERAGING).apply(page());
    assertTrue(pixels[8 * 28 + 4] < 0.05f);
    assertEquals(1f, pixels[27 * 28 + 27], 1e-6f);
  }

  @Test
  void bilinearAndColourGiveTheRequestedShape() {
    ImagePreprocessing rgb = new ImagePreprocessing(14, 20, false, true, ImagePreprocessing.Resize.BILINEAR);
    float[] pixels = rgb.apply(page());
    assertEquals(3 * 14 * 20, pixels.length);
    // a black-and-white page is gray: the three channel planes are equal
    for (int i = 0; i < 14 * 20; i++) {
      assertEquals(pixels[i], pixels[14 * 20 + i], 1e-6f);
      assertEquals(pixels[i], pixels[2 * 14 * 20 + i], 1e-6f);
    }
  }

  @Test
  void areaAveragingKeepsAThinStrokeThatBilinearCanDrop() {
    BufferedImage thin = new BufferedImage(105, 105, BufferedImage.TYPE_BYTE_BINARY);
    Graphics2D g = thin.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, 105, 105);
    g.setColor(Color.BLACK);
    for (int x = 0; x < 105; x += 7) {
      g.drawLine(x, 0, x, 104);
    }
    g.dispose();
    double area = mean(ImagePreprocessing.omniglot().apply(thin));
    // 15 one-pixel lines cover 15/105 of the page: area averaging keeps that mass exactly
    assertEquals(15.0 / 105, area, 0.01);
  }

  @Test
  void aRotatedClassIsTheRotatedDrawing() {
    ImagePreprocessing prep = ImagePreprocessing.omniglot();
    BufferedImage page = page();
    ImageClassSet set = new ImageClassSet.Builder(1, 28, 28).add("a/character01", "1.png", prep.apply(page)).build()
        .withRotations();
    assertEquals(4, set.numClasses());
    for (int turns = 0; turns < 4; turns++) {
      float[] fromSet = new float[28 * 28];
      set.copyImage(turns, 0, fromSet, 0);
      float[] drawnTurned = prep.apply(turnedCounterclockwise(page, turns));
      for (int i = 0; i < fromSet.length; i++) {
        assertEquals(drawnTurned[i], fromSet[i], 2.5f / 255, "turn " + turns + ", pixel " + i);
      }
    }
    // and a quarter turn counterclockwise moves the L's vertical stroke (top left) to the bottom left, horizontal
    float[] turned = new float[28 * 28];
    set.copyImage(1, 0, turned, 0);
    assertTrue(turned[23 * 28 + 8] > 0.95f, "the turned stroke lies along row 23");
    assertEquals(0f, turned[8 * 28 + 4], 1e-6f, "where the stroke was is page now");
    assertEquals("a/character01 rot90", set.className(1));
  }

  private static BufferedImage turnedCounterclockwise(BufferedImage image, int quarters) {
    BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    // screen coordinates point down, so a negative angle turns counterclockwise on screen
    g.drawImage(image, AffineTransform.getQuadrantRotateInstance(-quarters, 52.5, 52.5), null);
    g.dispose();
    return out;
  }

  private static double mean(float[] values) {
    double sum = 0;
    for (float v : values) {
      sum += v;
    }
    return sum / values.length;
  }
}
