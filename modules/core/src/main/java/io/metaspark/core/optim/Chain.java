package io.metaspark.core.optim;

import java.util.List;

/**
 * Transformations applied in turn, each to the updates of the one before (optax's {@code chain}):
 * e.g. clip the gradient, then Adam, then scale by a schedule. Its state is its parts' states, in
 * order, as the children of one node.
 */
public final class Chain implements GradientTransformation {
  static final String NAME = "chain";
  private final List<GradientTransformation> parts;

  private Chain(List<GradientTransformation> parts) {
    this.parts = List.copyOf(parts);
  }

  /**
   * The parts chained, or the one part itself when there is one: a lone transformation keeps its own
   * state layout, which is what checkpoints written before optimizers composed hold.
   */
  public static GradientTransformation of(List<GradientTransformation> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("a chain needs at least one transformation");
    }
    return parts.size() == 1 ? parts.get(0) : new Chain(parts);
  }

  public static GradientTransformation of(GradientTransformation... parts) {
    return of(List.of(parts));
  }

  @Override
  public OptimizerState init(double[] params) {
    OptimizerState.Builder state = OptimizerState.of(NAME);
    for (GradientTransformation part : parts) {
      state.child(part.init(params));
    }
    return state.build();
  }

  @Override
  public Update update(double[] gradient, OptimizerState state, double[] params) {
    if (state.children().size() != parts.size()) {
      throw new IllegalArgumentException("a chain of " + parts.size() + " parts got the state " + state.layout());
    }
    OptimizerState.Builder next = OptimizerState.of(NAME);
    double[] updates = gradient;
    for (int i = 0; i < parts.size(); i++) {
      Update u = parts.get(i).update(updates, state.child(i), params);
      updates = u.delta();
      next.child(u.state());
    }
    return new Update(updates, next.build());
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String describe() {
    return String.join(", then ", parts.stream().map(GradientTransformation::describe).toList());
  }
}
