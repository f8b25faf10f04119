package io.metaspark.app.builtin;

import io.metaspark.app.config.Check;
import io.metaspark.app.config.ConfigError;
import io.metaspark.app.config.Key;
import io.metaspark.app.config.Locations;
import io.metaspark.app.config.TaskFamilyType;
import io.metaspark.app.config.Values;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.task.QuadraticTaskFamily;
import io.metaspark.core.task.TaskFamily;
import io.metaspark.core.task.image.ClassSplit;
import java.util.List;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;

/**
 * {@code quadratic}: Andrychowicz et al.'s quadratics ||W theta - y||^2, every task fresh; the
 * support and query sets are the same d rows of W, so {@code tasks.support} and {@code tasks.query}
 * do not apply.
 */
final class QuadraticTasks implements TaskFamilyType {
  static final Key<Integer> DIMENSION = Key.integer("tasks.quadratic.dimension", 10,
      "d: y and W's rows have d entries; the model takes d inputs to 1 output")
      .check(Check.atLeast(1));

  static final List<Key<?>> KEYS = List.of(DIMENSION);

  @Override
  public TaskFamily create(ClassSplit.Part part, Values values, Locations locations) {
    return new QuadraticTaskFamily(values.get(DIMENSION));
  }

  /** A model of another input or output width could not take the tasks' examples. */
  @Override
  public void checkData(Values values, Locations locations, ModelSpec model) {
    int dimension = values.get(DIMENSION);
    long inputs = ((FeedForwardLayer) model.configuration().getConf(0).getLayer()).getNIn();
    int last = model.configuration().getConfs().size() - 1;
    long outputs = ((FeedForwardLayer) model.configuration().getConf(last).getLayer()).getNOut();
    if (inputs != dimension || outputs != 1) {
      throw new ConfigError("tasks.family = quadratic with tasks.quadratic.dimension = " + dimension
          + " needs a model with " + dimension + " inputs and 1 output, got " + inputs + " and " + outputs);
    }
  }

  @Override
  public TaskShape shape(Values values, ModelSpec model) {
    int dimension = values.get(DIMENSION);
    return new TaskShape(dimension, dimension, InputType.feedForward(dimension));
  }
}
