package io.metaspark.core.task;

/**
 * One task, opened from its descriptor ({@link TaskFamily#open}): asked for the support examples to
 * adapt on and the query examples to judge the adapted model on, collected with given parameters.
 * Each is a pure function of the descriptor, the parameters and a round number, so a task gives
 * the same examples on every executor and on every retry.
 *
 * <p>Supervised tasks ignore the parameters: their examples are drawn once, from the descriptor
 * ({@link TaskData}). A task whose data depends on the model does not: a reinforcement-learning
 * task's examples are its policy's rollouts, collected by running the network with those
 * parameters (meta-RL's support set comes from the initial policy, its query set from the adapted
 * one). The round tells collections with the same parameters apart: the same parameters and round
 * give the same examples, another round fresh ones. Algorithms collect each set once per task, in
 * round 0.
 */
public interface Task {
  TaskDescriptor descriptor();

  /** The examples to adapt on, collected with network parameters {@code params}. */
  Examples support(double[] params, int round);

  /** The examples to judge the model with network parameters {@code params} on, collected with them. */
  Examples query(double[] params, int round);
}
