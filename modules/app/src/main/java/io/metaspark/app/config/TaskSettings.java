package io.metaspark.app.config;

import java.util.List;

/** {@code tasks}: the task family ({@link TaskFamilyType}, its keys under {@code tasks.<family>}) and a task's size. */
public record TaskSettings(TaskFamilyType family, int support, int query) {
  public static final Key<String> FAMILY = Key.name("tasks.family", "sinusoid",
      "the task family: sinusoid (regression), images (N-way K-shot episodes), table (a table's row groups),"
          + " quadratic (||W theta - y||^2), navigation-2d or bandit (environments, for maml-rl, fomaml-rl and"
          + " reptile-rl)");
  public static final Key<Integer> SUPPORT = Key.integer("tasks.support", 10,
      "K support examples per task (for images, per class; for tables, rows of one group; for environments,"
          + " trajectories per inner step)").check(Check.atLeast(1));
  public static final Key<Integer> QUERY = Key.integer("tasks.query", 10,
      "Q query examples per task (for images, per class; for tables, rows of one group; for environments,"
          + " trajectories of the adapted policy)").check(Check.atLeast(1));
  static final List<Key<?>> KEYS = List.of(SUPPORT, QUERY);
}
