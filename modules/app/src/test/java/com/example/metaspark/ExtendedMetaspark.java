package com.example.metaspark;

import io.metaspark.app.builtin.BuiltIns;
import io.metaspark.app.cli.MetasparkCli;
import io.metaspark.app.config.Registries;
import java.util.List;

/** metaspark with an algorithm and a task family of one's own: run it as bin/metaspark runs MetasparkCli. */
public final class ExtendedMetaspark {
  private ExtendedMetaspark() {}

  public static void main(String[] args) {
    MetasparkCli.main(registries(), args);
  }

  /** The built-ins, and this project's entries next to them. */
  static Registries registries() {
    Registries registries = BuiltIns.registries();
    registries.algorithms().register("pretrain", List.of(), (adaptation, model, values) -> new Pretraining(adaptation));
    registries.taskFamilies().register("line", LineTasks.KEYS, (part, values, locations) -> LineTasks.of(values));
    return registries;
  }
}
