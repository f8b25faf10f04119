package io.metaspark.core.rl;

import java.util.SplittableRandom;

/**
 * The 2D navigation tasks of Finn, Abbeel and Levine (2017), as their code
 * ({@code maml_rl/envs/point_env_randgoal.py}) defines them: a point starts at the origin, a
 * task's goal is uniform in [-0.5, 0.5]^2, an action moves the point by itself clipped to
 * [-0.1, 0.1] per axis, the reward is minus the Euclidean distance to the goal after the move, and
 * the episode ends within 0.01 of the goal on both axes, or after {@code horizon} steps. The
 * observation is the point's position. With {@link Actions#NORMALIZED} the action is in the units
 * the MAML code's policy acts in: its training script wraps the environment in rllab's
 * {@code normalize}, which maps [-1, 1] onto [-0.1, 0.1].
 */
public final class Navigation2d implements EnvironmentFamily {
  private static final double GOAL_RANGE = 0.5;
  private static final double MAX_MOVE = 0.1;
  private static final double CLOSE_ENOUGH = 0.01;

  /** How an action becomes a move. */
  public enum Actions {
    /**
     * The move is the action clipped to [-0.1, 0.1] per axis: the point environment alone, as
     * pytorch-maml-rl has it.
     */
    CLIPPED(1),
    /**
     * The move is 0.1 times the action, clipped to [-0.1, 0.1]: rllab's {@code normalize} around
     * the point environment, as the MAML paper's code trains and tests it. A standard deviation of
     * 1 is then a move of 0.1, not nearly always a full step.
     */
    NORMALIZED(MAX_MOVE);

    private final double scale;

    Actions(double scale) {
      this.scale = scale;
    }
  }

  private final int horizon;
  private final Actions actions;
  /** Every task's goal, or null when each task draws its own. */
  private final double[] goal;

  public Navigation2d(int horizon) {
    this(horizon, Actions.CLIPPED);
  }

  public Navigation2d(int horizon, Actions actions) {
    this(horizon, actions, null);
  }

  private Navigation2d(int horizon, Actions actions, double[] goal) {
    if (horizon < 1) {
      throw new IllegalArgumentException("the navigation horizon must be >= 1 step, got " + horizon);
    }
    this.horizon = horizon;
    this.actions = actions;
    this.goal = goal;
  }

  /**
   * These tasks with the goal at ({@code x}, {@code y}) for every seed: one given environment, as
   * adapt takes it. A goal the tasks never draw (outside [-0.5, 0.5]^2) is refused, naming it: a
   * policy meta-trained on these tasks knows nothing of it.
   */
  public Navigation2d withGoal(double x, double y) {
    if (!(Math.abs(x) <= GOAL_RANGE && Math.abs(y) <= GOAL_RANGE)) {
      throw new IllegalArgumentException("the goal (" + x + ", " + y + ") is outside the tasks' goals, [-"
          + GOAL_RANGE + ", " + GOAL_RANGE + "]^2");
    }
    return new Navigation2d(horizon, actions, new double[] {x, y});
  }

  /** How an action becomes a move in these tasks. */
  public Actions actions() {
    return actions;
  }

  /** The paper's tasks: horizon 100. */
  public static Navigation2d paper() {
    return new Navigation2d(100);
  }

  @Override
  public Point create(long taskSeed) {
    if (goal != null) {
      return new Point(goal[0], goal[1], actions.scale);
    }
    SplittableRandom random = new SplittableRandom(taskSeed);
    double goalX = -GOAL_RANGE + 2 * GOAL_RANGE * random.nextDouble();
    double goalY = -GOAL_RANGE + 2 * GOAL_RANGE * random.nextDouble();
    return new Point(goalX, goalY, actions.scale);
  }

  @Override
  public int observationSize() {
    return 2;
  }

  @Override
  public ActionSpace actionSpace() {
    return ActionSpace.continuous(2);
  }

  @Override
  public int horizon() {
    return horizon;
  }

  @Override
  public String describe() {
    String goals = goal == null ? "U[-0.5, 0.5]^2" : "(" + goal[0] + ", " + goal[1] + ")";
    return "navigation-2d(goal " + goals + ", horizon " + horizon
        + (actions == Actions.NORMALIZED ? ", actions normalized: move = clip(0.1 a)" : "") + ")";
  }

  /** One task's point and goal. */
  public static final class Point implements Environment {
    private final double goalX;
    private final double goalY;
    /** Move per unit of action before the clip: 1, or 0.1 for normalized actions. */
    private final double actionScale;
    private double x;
    private double y;

    Point(double goalX, double goalY) {
      this(goalX, goalY, Actions.CLIPPED.scale);
    }

    Point(double goalX, double goalY, double actionScale) {
      this.goalX = goalX;
      this.goalY = goalY;
      this.actionScale = actionScale;
    }

    public double[] goal() {
      return new double[] {goalX, goalY};
    }

    @Override
    public double[] reset() {
      x = 0;
      y = 0;
      return new double[] {x, y};
    }

    @Override
    public Step step(double[] action, SplittableRandom random) {
      x += clip(actionScale * action[0]);
      y += clip(actionScale * action[1]);
      double dx = x - goalX;
      double dy = y - goalY;
      boolean done = Math.abs(dx) < CLOSE_ENOUGH && Math.abs(dy) < CLOSE_ENOUGH;
      return new Step(new double[] {x, y}, -Math.sqrt(dx * dx + dy * dy), done);
    }

    private static double clip(double move) {
      return Math.max(-MAX_MOVE, Math.min(MAX_MOVE, move));
    }
  }
}
