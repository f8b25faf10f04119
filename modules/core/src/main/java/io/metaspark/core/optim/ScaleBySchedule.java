package io.metaspark.core.optim;

/**
 * Multiplies the updates by the schedule's factor for the update count (optax's
 * {@code scale_by_schedule}). After an optimizer whose updates are linear in its learning rate (SGD,
 * Adam), that is the optimizer run at the scheduled rate.
 */
public record ScaleBySchedule(Schedule schedule) implements GradientTransformation {
  static final String NAME = "scale_by_schedule";

  @Override
  public OptimizerState init(double[] params) {
    return state(0);
  }

  @Override
  public Update update(double[] gradient, OptimizerState state, double[] params) {
    long count = state.counter("count");
    double factor = schedule.multiplier(count);
    double[] scaled = new double[gradient.length];
    for (int i = 0; i < scaled.length; i++) {
      scaled[i] = gradient[i] * factor;
    }
    return new Update(scaled, state(count + 1));
  }

  private static OptimizerState state(long count) {
    return OptimizerState.of(NAME).counter("count", count).build();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String describe() {
    return schedule.describe();
  }
}
