package io.metaspark.core.optim;

/**
 * Cosine annealing without restarts (Loshchilov and Hutter 2017; optax's {@code cosine_decay_schedule}):
 * the factor falls from 1 at update 0 to {@code minFraction} at update {@code steps} along half a
 * cosine, alpha + (1 - alpha) (1 + cos(pi t / T)) / 2, and stays there.
 */
public record CosineAnnealing(long steps, double minFraction) implements Schedule {
  public CosineAnnealing {
    if (steps < 1) {
      throw new IllegalArgumentException("cosine annealing needs >= 1 step to anneal over, got " + steps);
    }
    if (!(minFraction >= 0 && minFraction <= 1)) {
      throw new IllegalArgumentException("cosine annealing's final fraction of the rate must be in [0, 1], got "
          + minFraction);
    }
  }

  @Override
  public double multiplier(long count) {
    double progress = (double) Math.min(count, steps) / steps;
    return minFraction + (1 - minFraction) * 0.5 * (1 + Math.cos(Math.PI * progress));
  }

  @Override
  public String describe() {
    return "cosine annealing to " + minFraction + " x lr over " + steps + " updates";
  }
}
