package io.metaspark.core.task.image;

/**
 * An in-memory source whose images say who they are: pixel 0 holds the class index and pixel 1 the
 * image index (both / 255, exact in 8 bits), so a test can read an episode's contents back.
 */
public record TaggedImages(int classCount, int imagesPerClass, int shortClass, int shortClassImages) implements ImageClassSource {
  public static final int SIDE = 4;

  public static TaggedImages of(int classes, int imagesPerClass) {
    return new TaggedImages(classes, imagesPerClass, -1, 0);
  }

  @Override
  public ImageClassSet classes() {
    ImageClassSet.Builder builder = new ImageClassSet.Builder(1, SIDE, SIDE);
    for (int c = 0; c < classCount; c++) {
      int count = c == shortClass ? shortClassImages : imagesPerClass;
      for (int i = 0; i < count; i++) {
        float[] pixels = new float[SIDE * SIDE];
        pixels[0] = c / 255f;
        pixels[1] = i / 255f;
        builder.add(String.format("alphabet/character%03d", c), String.format("%02d.png", i), pixels);
      }
    }
    return builder.build();
  }

  public static int classTag(float[] image) {
    return Math.round(image[0] * 255);
  }

  static int imageTag(float[] image) {
    return Math.round(image[1] * 255);
  }

  @Override
  public String describe() {
    return "tagged(" + classCount + " x " + imagesPerClass + ")";
  }
}
