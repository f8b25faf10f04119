package io.metaspark.app.testing;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * A small color data set in miniImageNet's layout, generated: {@code <root>/train|val|test/<class>/<image>.png},
 * 30x22 RGB images (not square, not the network's size), each class a color of its own with noise, so
 * that classes can be told apart by color alone.
 */
public final class RgbFolders {
  private RgbFolders() {}

  /** Writes 8 training, 4 validation and 5 test classes of 6 images each under {@code root}; returns root. */
  public static Path write(Path root) throws IOException {
    SplittableRandom random = new SplittableRandom(11);
    int[] classes = {8, 4, 5};
    String[] parts = {"train", "val", "test"};
    int id = 0;
    for (int p = 0; p < parts.length; p++) {
      for (int c = 0; c < classes[p]; c++, id++) {
        Path folder = Files.createDirectories(root.resolve(parts[p]).resolve(String.format("n%04d", id)));
        // a hue per class, spread around the color wheel
        java.awt.Color base = java.awt.Color.getHSBColor(id / 17f, 0.8f, 0.9f);
        for (int i = 0; i < 6; i++) {
          BufferedImage image = new BufferedImage(30, 22, BufferedImage.TYPE_INT_RGB);
          for (int y = 0; y < 22; y++) {
            for (int x = 0; x < 30; x++) {
              image.setRGB(x, y, (noisy(base.getRed(), random) << 16) | (noisy(base.getGreen(), random) << 8)
                  | noisy(base.getBlue(), random));
            }
          }
          ImageIO.write(image, "png", folder.resolve("image" + i + ".png").toFile());
        }
      }
    }
    return root;
  }

  private static int noisy(int value, SplittableRandom random) {
    return Math.max(0, Math.min(255, value + random.nextInt(-40, 41)));
  }
}
