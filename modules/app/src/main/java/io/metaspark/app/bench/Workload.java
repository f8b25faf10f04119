package io.metaspark.app.bench;

import java.util.List;

/**
 * A model the cost model forecasts: its parameter count, one task's compute on one core, the
 * meta-batch it is trained with, and where the task time comes from.
 */
record Workload(String name, long params, double taskMs, int metaBatch, String source) {
  /** conv4's MAML task: the side-by-side run's CPU time per iteration (1,397.9 ms) over its 32 tasks. */
  static final double CONV4_TASK_MS = 1397.9 / 32;
  static final long CONV4_PARAMS = 113_733;
  static final long TEN_MILLION = 10_000_000;

  /** The three the issue asks for, task times from docs/PERFORMANCE.md. */
  static List<Workload> defaults() {
    return List.of(
        new Workload("sinusoid MLP 1-40-40-1, MAML", 1_761, 0.061, 25,
            "DenseLearner's task alone, thread CPU time, 60-62 us (PERFORMANCE.md, where the rest goes)"),
        new Workload("Omniglot conv4 stride, MAML", CONV4_PARAMS, CONV4_TASK_MS, 32,
            "side-by-side 2026-11-26 08:37: 1,397.9 CPU ms per iteration of 32 tasks"),
        new Workload("10M-parameter network, MAML", TEN_MILLION, CONV4_TASK_MS * TEN_MILLION / CONV4_PARAMS, 32,
            "extrapolated from conv4 by FLOPs: conv4's FLOPs per parameter and its GFLOP/s per core, x 10M / 113,733"));
  }
}
