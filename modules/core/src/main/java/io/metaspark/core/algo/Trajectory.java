package io.metaspark.core.algo;

/**
 * An adaptation's path, what backpropagating through its steps needs: the network parameters
 * theta_0 ... theta_k, the support gradients g_0 ... g_{k-1} the steps took, and the rule's learned
 * values, and the rule's memory after each step (empty arrays for rules without one). Only vectors, never activations: memory is (2k + 1) network-sized vectors whatever the
 * network (except that a learner with exact Hessian-vector products keeps the last step's pass,
 * which the first product of the backward recursion, at theta_{k-1}, reuses).
 */
public record Trajectory(double[][] thetas, double[][] gradients, double[][] memories, double[] learned) {
  /** The rule's memory after step j. */
  public double[] memory(int step) {
    return memories[step];
  }

  /** theta_j */
  public double[] theta(int step) {
    return thetas[step];
  }

  /** g_j */
  public double[] gradient(int step) {
    return gradients[step];
  }

  /** theta_k, the adapted parameters. */
  public double[] adapted() {
    return thetas[thetas.length - 1];
  }

  public int steps() {
    return gradients.length;
  }
}
