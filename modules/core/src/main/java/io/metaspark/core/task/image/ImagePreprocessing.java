package io.metaspark.core.task.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Image;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.Serializable;

/**
 * How a decoded image becomes the network's input: resized to {@code height x width}, one gray or
 * three RGB channels (channel-major, CHW), values in [0, 1], optionally inverted so that dark
 * strokes on a light page become 1 on a 0 background (Omniglot is black on white; the papers feed
 * strokes as ones).
 */
public record ImagePreprocessing(int height, int width, boolean grayscale, boolean invert, Resize resize)
    implements Serializable {

  /**
   * Both go through java.awt. Area averaging integrates each output pixel's footprint in the source,
   * as the PIL antialiasing filter of the reference preprocessing does; bilinear reads only the 2x2
   * source pixels nearest each output pixel, so at 105 -> 28 (3.75x) it skips most of the page and
   * one- or two-pixel strokes break up or vanish. Bilinear is only sensible near 1:1 scales.
   */
  public enum Resize { AREA_AVERAGING, BILINEAR }

  public ImagePreprocessing {
    if (height < 1 || width < 1) {
      throw new IllegalArgumentException("image size must be >= 1x1, got " + height + "x" + width);
    }
    if (resize == null) {
      throw new IllegalArgumentException("a resize method is required");
    }
  }

  /** The few-shot papers' Omniglot input: 28x28 gray, strokes 1, area-averaged. */
  public static ImagePreprocessing omniglot() {
    return new ImagePreprocessing(28, 28, true, true, Resize.AREA_AVERAGING);
  }

  public int channels() {
    return grayscale ? 1 : 3;
  }

  /** Values per image: channels x height x width. */
  public int imageSize() {
    return channels() * height * width;
  }

  /** The image's pixels, CHW, in [0, 1]. Transparent pixels count as white paper. */
  public float[] apply(BufferedImage image) {
    BufferedImage resized = resized(image);
    int plane = height * width;
    float[] out = new float[imageSize()];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int rgb = resized.getRGB(x, y);
        int r = (rgb >> 16) & 0xFF;
        int g = (rgb >> 8) & 0xFF;
        int b = rgb & 0xFF;
        int at = y * width + x;
        if (grayscale) {
          // ITU-R BT.601 luma on the sRGB values, as PIL's convert("L") computes it
          out[at] = value((0.299f * r + 0.587f * g + 0.114f * b) / 255f);
        } else {
          out[at] = value(r / 255f);
          out[plane + at] = value(g / 255f);
          out[2 * plane + at] = value(b / 255f);
        }
      }
    }
    return out;
  }

  private float value(float intensity) {
    return invert ? 1f - intensity : intensity;
  }

  private BufferedImage resized(BufferedImage image) {
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      if (resize == Resize.AREA_AVERAGING) {
        Image scaled = image.getScaledInstance(width, height, Image.SCALE_AREA_AVERAGING);
        g.drawImage(scaled, 0, 0, Color.WHITE, null);
      } else {
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, width, height, Color.WHITE, null);
      }
    } finally {
      g.dispose();
    }
    return out;
  }
}
