package io.metaspark.core.optim;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A gradient transformation's whole state as plain values, in the shape of optax's state pytrees: a
 * small tree whose nodes each name the transformation they belong to ({@link #kind}) and hold named
 * counters and double arrays, and, for a composition, the states of its parts in order. Plain
 * values are what a checkpoint stores bit for bit and a barrier task starts a segment from; a tree
 * of any shape is what lets any composition of transformations be checkpointed without the format
 * knowing it.
 *
 * <p>Immutable by convention: transformations build new arrays for a new state and never write into
 * the arrays of the state they were given, so {@link #array} hands out the stored array itself.
 */
public final class OptimizerState implements Serializable {
  private final String kind;
  private final Map<String, Long> counters;
  private final Map<String, double[]> arrays;
  private final List<OptimizerState> children;

  private OptimizerState(String kind, Map<String, Long> counters, Map<String, double[]> arrays,
      List<OptimizerState> children) {
    this.kind = kind;
    this.counters = Collections.unmodifiableMap(counters);
    this.arrays = Collections.unmodifiableMap(arrays);
    this.children = Collections.unmodifiableList(children);
  }

  /** A state of the transformation named {@code kind}, to be filled in. */
  public static Builder of(String kind) {
    return new Builder(kind);
  }

  /** Names and values in the order they were added, which is the order a checkpoint writes them in. */
  public static final class Builder {
    private final String kind;
    private final Map<String, Long> counters = new LinkedHashMap<>();
    private final Map<String, double[]> arrays = new LinkedHashMap<>();
    private final List<OptimizerState> children = new ArrayList<>();

    private Builder(String kind) {
      this.kind = Objects.requireNonNull(kind);
    }

    public Builder counter(String name, long value) {
      if (counters.put(name, value) != null || arrays.containsKey(name)) {
        throw new IllegalArgumentException(kind + " state: '" + name + "' is set twice");
      }
      return this;
    }

    public Builder array(String name, double[] values) {
      if (arrays.put(name, Objects.requireNonNull(values)) != null || counters.containsKey(name)) {
        throw new IllegalArgumentException(kind + " state: '" + name + "' is set twice");
      }
      return this;
    }

    public Builder child(OptimizerState child) {
      children.add(Objects.requireNonNull(child));
      return this;
    }

    public OptimizerState build() {
      return new OptimizerState(kind, new LinkedHashMap<>(counters), new LinkedHashMap<>(arrays),
          new ArrayList<>(children));
    }
  }

  /** The name of the transformation this state belongs to. */
  public String kind() {
    return kind;
  }

  public Map<String, Long> counters() {
    return counters;
  }

  public Map<String, double[]> arrays() {
    return arrays;
  }

  public List<OptimizerState> children() {
    return children;
  }

  public long counter(String name) {
    Long value = counters.get(name);
    if (value == null) {
      throw new IllegalArgumentException(kind + " state has no counter '" + name + "' (it has " + layout() + ")");
    }
    return value;
  }

  /** The stored array itself: read it, never write into it. */
  public double[] array(String name) {
    double[] values = arrays.get(name);
    if (values == null) {
      throw new IllegalArgumentException(kind + " state has no array '" + name + "' (it has " + layout() + ")");
    }
    return values;
  }

  public OptimizerState child(int index) {
    return children.get(index);
  }

  /** Whether every array entry in the tree is finite: a state with a NaN or infinity has blown up. */
  public boolean allFinite() {
    for (double[] values : arrays.values()) {
      for (double v : values) {
        if (!Double.isFinite(v)) {
          return false;
        }
      }
    }
    return children.stream().allMatch(OptimizerState::allFinite);
  }

  /**
   * The tree's shape without its values, e.g. {@code chain(clip_by_global_norm(), adam(count; mu[3], nu[3]))}:
   * two states can stand for each other (a checkpoint's and the configured optimizer's) when their
   * layouts are equal.
   */
  public String layout() {
    StringBuilder b = new StringBuilder(kind).append('(');
    List<String> fields = new ArrayList<>(counters.keySet());
    arrays.forEach((name, values) -> fields.add(name + "[" + values.length + "]"));
    b.append(String.join(", ", fields));
    if (!children.isEmpty()) {
      b.append(fields.isEmpty() ? "" : "; ");
      b.append(String.join(", ", children.stream().map(OptimizerState::layout).toList()));
    }
    return b.append(')').toString();
  }

  /** Equal trees: same kinds, names, counters and arrays, bit for bit (NaN equals NaN). */
  @Override
  public boolean equals(Object o) {
    if (!(o instanceof OptimizerState other) || !kind.equals(other.kind) || !counters.equals(other.counters)
        || !children.equals(other.children) || !arrays.keySet().equals(other.arrays.keySet())) {
      return false;
    }
    return arrays.entrySet().stream().allMatch(e -> Arrays.equals(e.getValue(), other.arrays.get(e.getKey())));
  }

  @Override
  public int hashCode() {
    int h = Objects.hash(kind, counters, children);
    for (Map.Entry<String, double[]> e : arrays.entrySet()) {
      h = 31 * h + e.getKey().hashCode() * 17 + Arrays.hashCode(e.getValue());
    }
    return h;
  }

  @Override
  public String toString() {
    return layout();
  }
}
