package io.metaspark.app.adapt;

import io.metaspark.app.run.RunDirectory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * Saved models of one network evaluated as an ensemble: a directory whose subdirectories each hold a
 * model as train exports it, as a run's {@code best/} does ({@code validate.keep-best}). Members are
 * read in their directories' name order, which for {@code best/} is the order of their iterations.
 */
public record SavedEnsemble(RunDirectory dir, List<SavedModel> members) {

  /** Whether {@code dir} holds models in subdirectories rather than a model of its own. */
  public static boolean holdsMembers(String dir, Configuration hadoop) throws IOException {
    RunDirectory d = RunDirectory.open(dir, hadoop);
    return !d.exists(ModelExport.FACTS) && !memberDirectories(d).isEmpty();
  }

  /**
   * Reads every model under {@code dir}; an unreadable member, or members of different networks (an
   * ensemble averages one kind of output), is an IOException naming them.
   */
  public static SavedEnsemble read(String dir, Configuration hadoop) throws IOException {
    RunDirectory d = RunDirectory.open(dir, hadoop);
    List<SavedModel> members = new ArrayList<>();
    for (FileStatus member : memberDirectories(d)) {
      members.add(SavedModel.read(member.getPath().toString(), hadoop));
    }
    if (members.size() < 2) {
      throw new IOException(dir + " holds " + members.size() + " model" + (members.size() == 1 ? "" : "s")
          + "; an ensemble needs at least two (or give the model's own directory)");
    }
    SavedModel first = members.get(0);
    for (SavedModel member : members) {
      if (!member.spec().equals(first.spec())) {
        throw new IOException(member.dir() + " is another network than " + first.dir()
            + ": an ensemble's members must be one network, trained from different starts or for different times");
      }
    }
    return new SavedEnsemble(d, members);
  }

  private static List<FileStatus> memberDirectories(RunDirectory d) throws IOException {
    List<FileStatus> out = new ArrayList<>();
    for (FileStatus child : d.fs().listStatus(d.root())) {
      if (child.isDirectory() && d.fs().exists(new Path(child.getPath(), ModelExport.FACTS))) {
        out.add(child);
      }
    }
    out.sort(Comparator.comparing(s -> s.getPath().getName()));
    return out;
  }
}
