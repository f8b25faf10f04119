package com.example.metaspark;

import io.metaspark.app.builtin.BuiltIns;
import io.metaspark.app.cli.MetasparkCli;
import io.metaspark.app.config.Registries;

/** metaspark with an algorithm and a task family of one's own: run it as bin/metaspark runs MetasparkCli. */
public final class ExtendedMetaspark {
  private ExtendedMetaspark() {}

  public static void main(String[] args) {
    MetasparkCli.main(registries(), args);
  }

  /** The built-ins, and this project's entries next to them. */
  static Registries registries() {
    Registries registries = BuiltIns.registries();
    registries.algorithms().register(new Pretraining());
    registries.taskFamilies().register(new LineTasks());
    return registries;
  }
}
