package io.metaspark.core.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The 2D navigation environment as the MAML code defines it. */
class Navigation2dTest {
  private static final SplittableRandom UNUSED = new SplittableRandom(0);

  @Test
  void startsAtTheOriginWithAGoalInTheSquareFixedByTheTaskSeed() {
    Navigation2d family = Navigation2d.paper();
    assertEquals(100, family.horizon());
    double minX = 1;
    double maxX = -1;
    for (long seed = 0; seed < 2000; seed++) {
      Navigation2d.Point point = (Navigation2d.Point) family.create(seed);
      assertArrayEquals(new double[] {0, 0}, point.reset());
      double[] goal = point.goal();
      assertTrue(Math.abs(goal[0]) <= 0.5 && Math.abs(goal[1]) <= 0.5, seed + ": " + goal[0] + ", " + goal[1]);
      assertArrayEquals(goal, ((Navigation2d.Point) family.create(seed)).goal());
      minX = Math.min(minX, goal[0]);
      maxX = Math.max(maxX, goal[0]);
    }
    // uniform over the whole square, not a corner of it
    assertTrue(minX < -0.49 && maxX > 0.49, minX + " " + maxX);
  }

  @Test
  void actionsAreClippedPerAxisAndTheRewardIsMinusTheDistanceAfterTheMove() {
    Navigation2d.Point point = new Navigation2d.Point(0.3, -0.2);
    point.reset();
    Environment.Step step = point.step(new double[] {5, -0.05}, UNUSED);
    assertArrayEquals(new double[] {0.1, -0.05}, step.observation(), 1e-15);
    assertEquals(-Math.hypot(0.1 - 0.3, -0.05 + 0.2), step.reward(), 1e-15);
    assertFalse(step.done());
    step = point.step(new double[] {-7, -7}, UNUSED);
    assertArrayEquals(new double[] {0.0, -0.15}, step.observation(), 1e-15);
  }

  @Test
  void normalizedActionsMoveATenthOfTheActionClippedAsRllabsNormalizeDoes() {
    Navigation2d family = new Navigation2d(100, Navigation2d.Actions.NORMALIZED).withGoal(0.3, -0.2);
    Navigation2d.Point point = (Navigation2d.Point) family.create(1);
    point.reset();
    // rllab: lb + (a + 1) (ub - lb) / 2 = 0.1 a on [-0.1, 0.1], then clipped to the bounds
    Environment.Step step = point.step(new double[] {0.5, -3}, UNUSED);
    assertArrayEquals(new double[] {0.05, -0.1}, step.observation(), 1e-15);
    assertEquals(-Math.hypot(0.05 - 0.3, -0.1 + 0.2), step.reward(), 1e-15);
    step = point.step(new double[] {-0.2, 0.04}, UNUSED);
    assertArrayEquals(new double[] {0.03, -0.096}, step.observation(), 1e-15);
    assertEquals("navigation-2d(goal (0.3, -0.2), horizon 100, actions normalized: move = clip(0.1 a))",
        family.describe());
  }

  @Test
  void theEpisodeEndsWithinOneHundredthOfTheGoalOnBothAxes() {
    Navigation2d.Point point = new Navigation2d.Point(0.1, 0.05);
    point.reset();
    // 0.095 away on x is not close enough while y is exact; then 0.0045 and 0.009 away is
    Environment.Step near = point.step(new double[] {0.005, 0.05}, UNUSED);
    assertFalse(near.done());
    Environment.Step there = point.step(new double[] {0.0905, 0.009}, UNUSED);
    assertTrue(there.done(), "within 0.01 on both axes");
    assertEquals(-Math.hypot(0.0045, 0.009), there.reward(), 1e-12);
  }

  @Test
  void refusesAHorizonBelowOneStep() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Navigation2d(0));
    assertTrue(e.getMessage().contains("horizon must be >= 1 step, got 0"), e.getMessage());
  }

  @Test
  void aGivenGoalIsEveryTasksGoalAndOneOutsideTheTasksSquareIsRefused() {
    Navigation2d family = Navigation2d.paper().withGoal(0.3, -0.2);
    assertArrayEquals(new double[] {0.3, -0.2}, family.create(1).goal(), 0);
    assertArrayEquals(new double[] {0.3, -0.2}, family.create(99).goal(), 0);
    assertEquals("navigation-2d(goal (0.3, -0.2), horizon 100)", family.describe());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Navigation2d.paper().withGoal(0.7, 0));
    assertTrue(e.getMessage().contains("(0.7, 0.0)"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Navigation2d.paper().withGoal(Double.NaN, 0));
  }
}
