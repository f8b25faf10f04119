package io.metaspark.spark.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A file on any Hadoop file system as a read-only {@link SeekableByteChannel}, which is what a zip
 * reader needs to start from the central directory at the end of the archive rather than stream
 * it from the front. Reads seek the one open stream: reads in file order stay a sequential read
 * (on HDFS, a forward seek within a block skips on the open block reader).
 */
final class HadoopFileChannel implements SeekableByteChannel {
  private final FSDataInputStream in;
  private final long size;
  private long position;
  private boolean open = true;

  HadoopFileChannel(FileSystem fs, Path file) throws IOException {
    this.size = fs.getFileStatus(file).getLen();
    this.in = fs.open(file);
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    requireOpen();
    if (position >= size) {
      return -1;
    }
    int wanted = (int) Math.min(dst.remaining(), size - position);
    if (in.getPos() != position) {
      in.seek(position);
    }
    byte[] buffer = dst.hasArray() ? dst.array() : new byte[wanted];
    int offset = dst.hasArray() ? dst.arrayOffset() + dst.position() : 0;
    int read = in.read(buffer, offset, wanted);
    if (read <= 0) {
      return -1; // the file is shorter than its length said: the reader reports the archive as cut short
    }
    if (dst.hasArray()) {
      dst.position(dst.position() + read);
    } else {
      dst.put(buffer, 0, read);
    }
    position += read;
    return read;
  }

  @Override
  public long position() throws IOException {
    requireOpen();
    return position;
  }

  @Override
  public SeekableByteChannel position(long newPosition) throws IOException {
    requireOpen();
    if (newPosition < 0) {
      throw new IllegalArgumentException("negative position " + newPosition);
    }
    position = newPosition;
    return this;
  }

  @Override
  public long size() throws IOException {
    requireOpen();
    return size;
  }

  @Override
  public int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public SeekableByteChannel truncate(long newSize) {
    throw new NonWritableChannelException();
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() throws IOException {
    if (open) {
      open = false;
      in.close();
    }
  }

  private void requireOpen() throws IOException {
    if (!open) {
      throw new ClosedChannelException();
    }
  }
}
