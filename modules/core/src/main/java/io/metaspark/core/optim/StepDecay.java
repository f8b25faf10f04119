package io.metaspark.core.optim;

/**
 * The rate multiplied by {@code factor} every {@code every} updates: factor^floor(t / every).
 * With factor 0.5, step halving.
 */
public record StepDecay(long every, double factor) implements Schedule {
  public StepDecay {
    if (every < 1) {
      throw new IllegalArgumentException("a step decay needs >= 1 update between steps, got " + every);
    }
    if (!(factor > 0 && factor <= 1)) {
      throw new IllegalArgumentException("a step decay's factor must be in (0, 1], got " + factor);
    }
  }

  @Override
  public double multiplier(long count) {
    return Math.pow(factor, count / every);
  }

  @Override
  public String describe() {
    return "x " + factor + " every " + every + " updates";
  }
}
