package io.metaspark.spark.data;

import java.net.URI;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local disk under the scheme {@code alias://}: a file system Hadoop only knows when it is told
 * to (fs.alias.impl), so a read through it shows that a configuration reached the reader.
 */
public final class AliasFileSystem extends RawLocalFileSystem {
  @Override
  public URI getUri() {
    return URI.create("alias:///");
  }

  @Override
  public String getScheme() {
    return "alias";
  }
}
