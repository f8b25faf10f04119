package io.metaspark.core.algo;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Class prototypes (Snell, Swersky and Zemel 2017): the mean embedding of each class's support
 * examples, and the classifier they make, a softmax over the negative squared Euclidean distances
 * of an embedding to each prototype. Plain doubles, rows in C order.
 *
 * <p>A class without support examples (a table task's group may lack some of the table's classes)
 * has no prototype: no query is given its class (probability 0), and its queries, which nothing
 * could classify, are left out of the loss.
 */
public final class Prototypes implements Serializable {
  private final int ways;
  private final int dim;
  /** [ways][dim], flattened. */
  private final double[] centers;
  private final int[] counts;

  public Prototypes(int ways, int dim, double[] centers, int[] counts) {
    if (centers.length != ways * dim || counts.length != ways) {
      throw new IllegalArgumentException(ways + " prototypes of " + dim + " values need " + ways * dim
          + " entries, got " + centers.length);
    }
    this.ways = ways;
    this.dim = dim;
    this.centers = centers;
    this.counts = counts;
  }

  /**
   * The prototypes of {@code embeddings} [n, dim] labeled by {@code labels} [n, ways] one-hot; a
   * class without a support example has none.
   */
  public static Prototypes of(double[] embeddings, int dim, double[] labels, int ways) {
    int n = embeddings.length / dim;
    if (n * dim != embeddings.length || labels.length != n * ways) {
      throw new IllegalArgumentException(embeddings.length + " embedding values and " + labels.length
          + " label values are not n x " + dim + " and n x " + ways);
    }
    double[] centers = new double[ways * dim];
    int[] counts = new int[ways];
    int[] classes = classes(labels, ways);
    for (int i = 0; i < n; i++) {
      int k = classes[i];
      counts[k]++;
      for (int d = 0; d < dim; d++) {
        centers[k * dim + d] += embeddings[i * dim + d];
      }
    }
    if (n == 0) {
      throw new IllegalArgumentException("no support example to make a prototype of");
    }
    for (int k = 0; k < ways; k++) {
      for (int d = 0; d < dim && counts[k] > 0; d++) {
        centers[k * dim + d] /= counts[k];
      }
    }
    return new Prototypes(ways, dim, centers, counts);
  }

  /** Each row's class: the position of its one-hot label's largest entry. */
  static int[] classes(double[] labels, int ways) {
    int n = labels.length / ways;
    int[] classes = new int[n];
    for (int i = 0; i < n; i++) {
      int best = 0;
      for (int k = 1; k < ways; k++) {
        if (labels[i * ways + k] > labels[i * ways + best]) {
          best = k;
        }
      }
      classes[i] = best;
    }
    return classes;
  }

  public int ways() {
    return ways;
  }

  public int dim() {
    return dim;
  }

  /** A copy of prototype {@code k}. */
  public double[] center(int k) {
    return Arrays.copyOfRange(centers, k * dim, (k + 1) * dim);
  }

  /** Support examples behind each prototype. */
  public int[] counts() {
    return counts.clone();
  }

  /** Whether class {@code k} has a prototype (a support example). */
  public boolean has(int k) {
    return counts[k] > 0;
  }

  /** The logits -|q_i - c_k|^2 [m, ways] of the queries [m, dim]; minus infinity for a class without prototype. */
  public double[] logits(double[] queries) {
    int m = rows(queries);
    double[] logits = new double[m * ways];
    for (int i = 0; i < m; i++) {
      for (int k = 0; k < ways; k++) {
        double sum = 0;
        for (int d = 0; d < dim; d++) {
          double diff = queries[i * dim + d] - centers[k * dim + d];
          sum += diff * diff;
        }
        logits[i * ways + k] = counts[k] > 0 ? -sum : Double.NEGATIVE_INFINITY;
      }
    }
    return logits;
  }

  /** The class probabilities [m, ways] of the queries [m, dim]: the softmax of {@link #logits}. */
  public double[] probabilities(double[] queries) {
    double[] p = logits(queries);
    for (int i = 0; i < p.length / ways; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < ways; k++) {
        max = Math.max(max, p[i * ways + k]);
      }
      double total = 0;
      for (int k = 0; k < ways; k++) {
        p[i * ways + k] = Math.exp(p[i * ways + k] - max);
        total += p[i * ways + k];
      }
      for (int k = 0; k < ways; k++) {
        p[i * ways + k] /= total;
      }
    }
    return p;
  }

  /**
   * Mean cross-entropy of the queries [m, dim] against their one-hot labels [m, ways], from
   * log-softmax, over the queries whose class has a prototype (0 when none has).
   */
  public double loss(double[] queries, double[] labels) {
    double[] logits = logits(queries);
    int m = logits.length / ways;
    int[] classes = classes(labels, ways);
    double sum = 0;
    int counted = 0;
    for (int i = 0; i < m; i++) {
      if (counts[classes[i]] == 0) {
        continue;
      }
      counted++;
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < ways; k++) {
        max = Math.max(max, logits[i * ways + k]);
      }
      double total = 0;
      for (int k = 0; k < ways; k++) {
        total += Math.exp(logits[i * ways + k] - max);
      }
      sum += max + Math.log(total) - logits[i * ways + classes[i]];
    }
    return counted == 0 ? 0 : sum / counted;
  }

  /** How many of the queries labeled {@code labels} [m, ways] have a prototype of their class: the loss's denominator. */
  public int classifiable(double[] labels) {
    int counted = 0;
    for (int k : classes(labels, ways)) {
      counted += counts[k] > 0 ? 1 : 0;
    }
    return counted;
  }

  private int rows(double[] queries) {
    if (queries.length % dim != 0) {
      throw new IllegalArgumentException(queries.length + " query values are not rows of " + dim);
    }
    return queries.length / dim;
  }
}
