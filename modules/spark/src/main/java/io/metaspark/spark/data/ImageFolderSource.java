package io.metaspark.spark.data;

import io.metaspark.core.task.image.ImageClassSet;
import io.metaspark.core.task.image.ImageClassSource;
import io.metaspark.core.task.image.ImagePreprocessing;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.ZipException;
import javax.imageio.ImageIO;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Labelled images from folders or zips on any Hadoop file system. A class is a folder that holds
 * images: {@code <root>/<class>/<image>} and Omniglot's {@code <root>/<alphabet>/<character>/<image>}
 * alike. A class is named by its folder path from the root's own name on, so the folder
 * {@code .../images_background} and the published {@code images_background.zip} (whose entries start
 * with {@code images_background/}) give the same names. Zips are read in place, never extracted,
 * and only when their central directory says they are whole.
 *
 * <p>Only the locations and settings travel to executors; {@link #classes()} decodes there, once
 * per JVM ({@link PerJvmCache}), with the application's {@code spark.hadoop.*} settings
 * ({@link SparkHadoopConf}).
 *
 * @param locations folders or .zip files, any Hadoop URI or plain path
 * @param rotations also make every character's 90, 180 and 270 degree turns classes
 */
public record ImageFolderSource(List<String> locations, ImagePreprocessing preprocessing, boolean rotations)
    implements ImageClassSource {
  private static final Set<String> IMAGE_SUFFIXES = Set.of("png", "jpg", "jpeg", "gif", "bmp");

  public ImageFolderSource {
    if (locations.isEmpty()) {
      throw new IllegalArgumentException("at least one image folder or zip is required");
    }
    locations = List.copyOf(locations);
  }

  @Override
  public ImageClassSet classes() {
    return PerJvmCache.IMAGES.get(this, this::decode);
  }

  /**
   * Reads and decodes every image, uncached: for a one-off read of folders that may have changed
   * since (adapt on a user's new task), where the per-JVM cache would answer with the old content.
   */
  public ImageClassSet decode() {
    Configuration conf = SparkHadoopConf.current();
    ImageClassSet.Builder builder =
        new ImageClassSet.Builder(preprocessing.channels(), preprocessing.height(), preprocessing.width());
    for (String location : locations) {
      Path path = new Path(location);
      try {
        FileSystem fs = path.getFileSystem(conf);
        FileStatus status = fileStatus(fs, path);
        int before = builder.imageCount();
        if (status.isDirectory()) {
          readFolder(fs, status.getPath(), status.getPath().getName(), builder);
        } else if (path.getName().toLowerCase(Locale.ROOT).endsWith(".zip")) {
          readZip(fs, status.getPath(), builder);
        } else {
          throw new IllegalArgumentException("image data must be a folder or a .zip file: " + path);
        }
        if (builder.imageCount() == before) {
          throw new IllegalArgumentException("no images (" + String.join(", ", IMAGE_SUFFIXES) + ") in " + path);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read image data " + path + ": " + e.getMessage(), e);
      }
    }
    ImageClassSet set = builder.build();
    return rotations ? set.withRotations() : set;
  }

  private static FileStatus fileStatus(FileSystem fs, Path path) throws IOException {
    try {
      return fs.getFileStatus(path);
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException("image data not found: " + path, e);
    }
  }

  private void readFolder(FileSystem fs, Path folder, String className, ImageClassSet.Builder builder)
      throws IOException {
    FileStatus[] children = fs.listStatus(folder);
    if (children.length == 0) {
      throw new IllegalArgumentException("class " + className + " is an empty folder: " + folder);
    }
    for (FileStatus child : children) {
      String name = child.getPath().getName();
      if (child.isDirectory()) {
        readFolder(fs, child.getPath(), className + "/" + name, builder);
      } else if (isImage(name)) {
        try (InputStream in = fs.open(child.getPath())) {
          builder.add(className, name, pixels(in.readAllBytes(), child.getPath().toString()));
        }
      }
    }
  }

  /**
   * A zip through its central directory, the archive's own list of what it holds: a copy cut short
   * (even exactly at an entry's header, where a streaming read would see a smaller, valid-looking
   * archive) has none, and is refused by name. Each entry's bytes are checked against the CRC the
   * directory records. Entries are read in file order, so the file is read front to back once.
   */
  private void readZip(FileSystem fs, Path zip, ImageClassSet.Builder builder) throws IOException {
    Set<String> folders = new HashSet<>();
    Set<String> foldersWithContent = new HashSet<>();
    try (ZipFile archive = openZip(fs, zip)) {
      for (ZipArchiveEntry entry : Collections.list(archive.getEntriesInPhysicalOrder())) {
        String name = entry.getName();
        if (entry.isDirectory()) {
          folders.add(name.substring(0, name.length() - 1));
          continue;
        }
        int slash = name.lastIndexOf('/');
        for (int cut = slash; cut > 0; cut = name.lastIndexOf('/', cut - 1)) {
          foldersWithContent.add(name.substring(0, cut));
        }
        if (isImage(name)) {
          if (slash < 0) {
            throw new IllegalArgumentException("image " + zip + "!/" + name + " is in no class folder");
          }
          builder.add(name.substring(0, slash), name.substring(slash + 1),
              pixels(readEntry(archive, entry, zip), zip + "!/" + name));
        }
      }
    }
    folders.removeAll(foldersWithContent);
    if (!folders.isEmpty()) {
      throw new IllegalArgumentException("class " + folders.iterator().next() + " is an empty folder in " + zip);
    }
  }

  private static ZipFile openZip(FileSystem fs, Path zip) throws IOException {
    HadoopFileChannel channel = new HadoopFileChannel(fs, zip);
    try {
      // local file headers are read as each entry is, in the same single pass
      return new ZipFile(channel, zip.toString(), "UTF-8", true, true);
    } catch (IOException e) {
      channel.close();
      // commons-compress wraps what it found ("Error on ZipFile ..."): the cause says what is wrong
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        if (cause instanceof ZipException || cause instanceof EOFException) {
          throw corrupt(zip, "its central directory, the list of entries at its end, cannot be read", cause);
        }
      }
      throw e;
    }
  }

  private static byte[] readEntry(ZipFile archive, ZipArchiveEntry entry, Path zip) throws IOException {
    byte[] bytes;
    try (InputStream in = archive.getInputStream(entry)) {
      bytes = in.readAllBytes();
    } catch (ZipException | EOFException e) {
      // the inflater's word for damaged data, and a data region that runs past the file's end
      throw corrupt(zip, "entry " + entry.getName(), e);
    }
    CRC32 crc = new CRC32();
    crc.update(bytes);
    if ((entry.getSize() >= 0 && bytes.length != entry.getSize())
        || (entry.getCrc() >= 0 && crc.getValue() != entry.getCrc())) {
      throw new IllegalArgumentException("zip " + zip + " is truncated or corrupt: entry " + entry.getName()
          + " does not match its central directory record (" + bytes.length + " bytes, CRC "
          + Long.toHexString(crc.getValue()) + "; recorded " + entry.getSize() + " bytes, CRC "
          + Long.toHexString(entry.getCrc()) + ")");
    }
    return bytes;
  }

  private static IllegalArgumentException corrupt(Path zip, String where, Throwable e) {
    String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new IllegalArgumentException("zip " + zip + " is truncated or corrupt: " + where + " (" + reason + ")", e);
  }

  private float[] pixels(byte[] encoded, String file) {
    BufferedImage image;
    try {
      // an in-memory stream: ImageIO's default for plain streams caches them in temporary files
      image = ImageIO.read(new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded)));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("cannot decode image " + file + ": " + e.getMessage(), e);
    }
    if (image == null) {
      throw new IllegalArgumentException("cannot decode image " + file + ": not a format javax.imageio reads");
    }
    return preprocessing.apply(image);
  }

  /** Hidden files (macOS's "._x.png" resource forks among them) and zips' __MACOSX folders are not images. */
  private static boolean isImage(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    if (name.startsWith(".") || path.startsWith("__MACOSX/")) {
      return false;
    }
    int dot = name.lastIndexOf('.');
    return dot >= 0 && IMAGE_SUFFIXES.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  @Override
  public String describe() {
    return "images " + String.join(", ", locations) + " (" + preprocessing.height() + "x" + preprocessing.width()
        + (rotations ? ", with rotations" : "") + ")";
  }
}
