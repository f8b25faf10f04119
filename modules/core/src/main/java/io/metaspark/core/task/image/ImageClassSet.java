package io.metaspark.core.task.image;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Labelled images in memory, compactly: per character one contiguous {@code byte[]} of all its
 * images (CHW each), a value v stored as round(255 v). Bytes rather than floats because the real
 * Omniglot with rotations would take 400 MB as floats on every executor; 8 bits lose nothing a
 * 28x28 area-averaged binary drawing carries.
 *
 * <p>A class is a character turned by a multiple of 90 degrees. {@link #withRotations()} makes the
 * four turns of every character separate classes, as the few-shot papers do, sharing the pixels:
 * the turn is applied when an image is copied out.
 *
 * <p>Classes are ordered by character name and images within a class by their name, so the set does
 * not depend on the order in which files were listed. Immutable, so one instance serves every task
 * thread of a JVM.
 */
public final class ImageClassSet {
  private static final float SCALE = 1f / 255f;

  private final int channels;
  private final int height;
  private final int width;
  private final List<String> characters;
  private final byte[][] pixels;
  private final int[] characterOfClass;
  private final int[] quarterTurnsOfClass;

  private ImageClassSet(int channels, int height, int width, List<String> characters, byte[][] pixels,
      int[] characterOfClass, int[] quarterTurnsOfClass) {
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.characters = characters;
    this.pixels = pixels;
    this.characterOfClass = characterOfClass;
    this.quarterTurnsOfClass = quarterTurnsOfClass;
  }

  /** Every character also turned by 90, 180 and 270 degrees (counterclockwise, as numpy's rot90), each a class. */
  public ImageClassSet withRotations() {
    if (height != width) {
      throw new IllegalStateException("rotating by 90 degrees needs square images, these are " + height + "x" + width);
    }
    if (quarterTurnsOfClass.length != characters.size()) {
      throw new IllegalStateException("the set already has rotated classes");
    }
    int n = characters.size();
    int[] character = new int[4 * n];
    int[] turns = new int[4 * n];
    for (int c = 0; c < n; c++) {
      for (int q = 0; q < 4; q++) {
        character[4 * c + q] = c;
        turns[4 * c + q] = q;
      }
    }
    return new ImageClassSet(channels, height, width, characters, pixels, character, turns);
  }

  public int numClasses() {
    return characterOfClass.length;
  }

  public int numCharacters() {
    return characters.size();
  }

  /** The character's name, with the turn when there is one: {@code "alphabet/character07 rot90"}. */
  public String className(int classIndex) {
    String character = characterOf(classIndex);
    int turns = quarterTurnsOfClass[classIndex];
    return turns == 0 ? character : character + " rot" + 90 * turns;
  }

  /** The name of the character a class shows, whatever its turn. */
  public String characterOf(int classIndex) {
    return characters.get(characterOfClass[classIndex]);
  }

  public int imageCount(int classIndex) {
    return pixels[characterOfClass[classIndex]].length / imageSize();
  }

  public int channels() {
    return channels;
  }

  public int height() {
    return height;
  }

  public int width() {
    return width;
  }

  /** Values per image: channels x height x width. */
  public int imageSize() {
    return channels * height * width;
  }

  /** Memory held by the pixels, shared by rotated classes. */
  public long pixelBytes() {
    long total = 0;
    for (byte[] images : pixels) {
      total += images.length;
    }
    return total;
  }

  /** Writes image {@code image} of class {@code classIndex}, CHW in [0, 1], into {@code dest} from {@code offset}. */
  public void copyImage(int classIndex, int image, float[] dest, int offset) {
    int count = imageCount(classIndex);
    if (image < 0 || image >= count) {
      throw new IndexOutOfBoundsException("image " + image + " of class " + className(classIndex) + " (" + count + " images)");
    }
    byte[] source = pixels[characterOfClass[classIndex]];
    int turns = quarterTurnsOfClass[classIndex];
    int plane = height * width;
    for (int ch = 0; ch < channels; ch++) {
      int from = image * imageSize() + ch * plane;
      int to = offset + ch * plane;
      for (int r = 0; r < height; r++) {
        for (int c = 0; c < width; c++) {
          dest[to + r * width + c] = (source[from + sourceIndex(turns, r, c)] & 0xFF) * SCALE;
        }
      }
    }
  }

  /** Where output pixel (r, c) of an image turned counterclockwise by {@code turns} quarters comes from. */
  private int sourceIndex(int turns, int r, int c) {
    int last = height - 1;
    return switch (turns) {
      case 0 -> r * width + c;
      case 1 -> c * width + (last - r);
      case 2 -> (last - r) * width + (last - c);
      default -> (last - c) * width + r;
    };
  }

  /** Collects images by class in any order; {@link #build()} sorts classes and images by name. */
  public static final class Builder {
    private final int channels;
    private final int height;
    private final int width;
    private final Map<String, Map<String, byte[]>> images = new TreeMap<>();

    public Builder(int channels, int height, int width) {
      if (channels < 1 || height < 1 || width < 1) {
        throw new IllegalArgumentException("image shape must be >= 1x1x1, got " + channels + "x" + height + "x" + width);
      }
      this.channels = channels;
      this.height = height;
      this.width = width;
    }

    /** Adds one image, CHW values in [0, 1] (clamped), under its class and its own unique name. */
    public Builder add(String className, String imageName, float[] values) {
      if (values.length != channels * height * width) {
        throw new IllegalArgumentException("image " + imageName + " has " + values.length + " values, expected "
            + channels + "x" + height + "x" + width);
      }
      byte[] quantized = new byte[values.length];
      for (int i = 0; i < values.length; i++) {
        quantized[i] = (byte) Math.round(Math.min(1f, Math.max(0f, values[i])) * 255f);
      }
      if (images.computeIfAbsent(className, k -> new TreeMap<>()).put(imageName, quantized) != null) {
        throw new IllegalArgumentException("image " + imageName + " added twice to class " + className);
      }
      return this;
    }

    /** Images added so far, over all classes. */
    public int imageCount() {
      int count = 0;
      for (Map<String, byte[]> ofClass : images.values()) {
        count += ofClass.size();
      }
      return count;
    }

    public ImageClassSet build() {
      if (images.isEmpty()) {
        throw new IllegalStateException("no images were added");
      }
      int imageSize = channels * height * width;
      List<String> names = new ArrayList<>(images.keySet());
      byte[][] pixels = new byte[names.size()][];
      int[] characterOfClass = new int[names.size()];
      for (int c = 0; c < names.size(); c++) {
        Map<String, byte[]> ofClass = images.get(names.get(c));
        pixels[c] = new byte[ofClass.size() * imageSize];
        int i = 0;
        for (byte[] image : ofClass.values()) {
          System.arraycopy(image, 0, pixels[c], i++ * imageSize, imageSize);
        }
        characterOfClass[c] = c;
      }
      return new ImageClassSet(channels, height, width, List.copyOf(names), pixels, characterOfClass,
          new int[names.size()]);
    }
  }
}
