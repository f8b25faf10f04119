package io.metaspark.app.bench;

import io.metaspark.app.config.DataError;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.apache.commons.math3.linear.SingularMatrixException;
import org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression;

/**
 * The fixed costs of a jobs-mode meta-iteration as a sum of three terms, each a linear combination
 * of what the iteration's shape makes countable ({@link IterationShape}), with coefficients fitted
 * to {@code bench costs} runs by least squares on relative errors (every run counts in %, so the
 * 10 ms jobs weigh as much as the 2 s ones). A {@code ship} run measures scheduling and shipping, an
 * {@code aggregate} run all three, so one fit over every row calibrates every term without taking
 * differences of noisy medians.
 */
final class CostModel {
  /** The parts of an iteration's fixed cost; compute and the network between hosts are added by {@link ScalingForecast}. */
  enum Term {
    SCHEDULING("scheduling"), SHIPPING("shipping"), AGGREGATION("aggregation");

    final String label;

    Term(String label) {
      this.label = label;
    }
  }

  /** One fitted number: a cost in ms per unit of what {@code feature} counts. */
  enum Coefficient {
    JOB(Term.SCHEDULING, "ms per job", s -> 1),
    REMOTE_JOB(Term.SCHEDULING, "ms per job whose executors are other JVMs (RPC, not in-process)",
        s -> s.fetchingJvms() > 0 ? 1 : 0),
    TASK_DRIVER(Term.SCHEDULING, "ms per task, serial on the driver", s -> s.partitions()),
    TASK_WAVE(Term.SCHEDULING, "ms per round of tasks on the executors", s -> s.taskWaves()),
    TREE_LEVEL(Term.SCHEDULING, "ms per shuffle level of treeAggregate", s -> s.treeLevels()),
    CLOSURE(Term.SHIPPING, "ms per M params per job (the closure serialized)", s -> s.paramsMillions()),
    CLOSURE_TASK(Term.SHIPPING, "ms per M params per round of tasks (the closure deserialized)",
        s -> s.paramsMillions() * s.taskWaves()),
    CLOSURE_FETCH(Term.SHIPPING, "ms per M params per executor JVM fetching the closure",
        s -> s.paramsMillions() * s.fetchingJvms()),
    PARTIAL_EXECUTOR(Term.AGGREGATION, "ms per M params per round of tasks (a partition's exact sum, encoded)",
        s -> s.paramsMillions() * s.taskWaves()),
    PARTIAL_DRIVER(Term.AGGREGATION, "ms per M params per partial the driver decodes and merges",
        s -> s.paramsMillions() * s.driverPartials()),
    PARTIAL_REDUCER(Term.AGGREGATION, "ms per M params per partial a reducer slot shuffles and merges",
        s -> s.paramsMillions() * s.reducerRounds());

    final Term term;
    final String unit;
    private final ToDoubleFunction<IterationShape> feature;

    Coefficient(Term term, String unit, ToDoubleFunction<IterationShape> feature) {
      this.term = term;
      this.unit = unit;
      this.feature = feature;
    }

    double feature(IterationShape shape) {
      return feature.applyAsDouble(shape);
    }
  }

  /** Why a coefficient is 0 rather than fitted. */
  enum Unfitted {
    NOT_IN_THE_RUNS("no run exercises it"), NEGATIVE("fitted below 0, fixed at 0 and the rest refitted");

    final String reason;

    Unfitted(String reason) {
      this.reason = reason;
    }
  }

  private final Map<Coefficient, Double> ms;
  private final Map<Coefficient, Double> standardErrors;
  private final Map<Coefficient, Unfitted> unfitted;
  private final int runs;

  CostModel(Map<Coefficient, Double> ms, Map<Coefficient, Double> standardErrors, Map<Coefficient, Unfitted> unfitted,
      int runs) {
    this.ms = new EnumMap<>(Coefficient.class);
    this.ms.putAll(ms);
    this.standardErrors = new EnumMap<>(Coefficient.class);
    this.standardErrors.putAll(standardErrors);
    this.unfitted = new EnumMap<>(Coefficient.class);
    this.unfitted.putAll(unfitted);
    this.runs = runs;
  }

  /**
   * Fits every coefficient to {@code runs} measured on a machine of {@code machineCores} cores. A
   * coefficient no run exercises stays 0; one that comes out negative (no cost is) is fixed at 0
   * and the others refitted, largest violation first: non-negative least squares by active set.
   */
  static CostModel fit(List<CostRun> runs, int machineCores) {
    List<double[]> rows = new ArrayList<>();
    for (CostRun run : runs) {
      rows.add(features(run, machineCores));
    }
    Map<Coefficient, Unfitted> unfitted = new EnumMap<>(Coefficient.class);
    for (Coefficient c : Coefficient.values()) {
      if (rows.stream().allMatch(r -> r[c.ordinal()] == 0)) {
        unfitted.put(c, Unfitted.NOT_IN_THE_RUNS);
      }
    }
    while (true) {
      List<Coefficient> active = new ArrayList<>();
      for (Coefficient c : Coefficient.values()) {
        if (!unfitted.containsKey(c)) {
          active.add(c);
        }
      }
      if (runs.size() <= active.size()) {
        throw new DataError(runs.size() + " runs cannot fit " + active.size() + " coefficients: measure more"
            + " partition counts and parameter sizes (" + where(runs) + ")");
      }
      // relative least squares: each row divided by its measured time, so the target is 1
      double[][] x = new double[runs.size()][active.size()];
      double[] y = new double[runs.size()];
      for (int i = 0; i < runs.size(); i++) {
        double measured = runs.get(i).medianMs();
        for (int j = 0; j < active.size(); j++) {
          x[i][j] = rows.get(i)[active.get(j).ordinal()] / measured;
        }
        y[i] = 1;
      }
      OLSMultipleLinearRegression ols = new OLSMultipleLinearRegression();
      ols.setNoIntercept(true);
      ols.newSampleData(y, x);
      double[] beta;
      double[] errors;
      try {
        beta = ols.estimateRegressionParameters();
        errors = ols.estimateRegressionParametersStandardErrors();
      } catch (SingularMatrixException e) {
        throw new DataError("the runs cannot tell the cost model's coefficients " + active + " apart (" + where(runs)
            + "): measure masters with different executor counts and several partition counts and parameter sizes");
      }
      int worst = -1;
      for (int j = 0; j < beta.length; j++) {
        if (beta[j] < 0 && (worst < 0 || beta[j] < beta[worst])) {
          worst = j;
        }
      }
      if (worst >= 0) {
        unfitted.put(active.get(worst), Unfitted.NEGATIVE);
        continue;
      }
      Map<Coefficient, Double> ms = new EnumMap<>(Coefficient.class);
      Map<Coefficient, Double> se = new EnumMap<>(Coefficient.class);
      for (Coefficient c : Coefficient.values()) {
        ms.put(c, 0.0);
        se.put(c, 0.0);
      }
      for (int j = 0; j < active.size(); j++) {
        ms.put(active.get(j), beta[j]);
        se.put(active.get(j), errors[j]);
      }
      return new CostModel(ms, se, unfitted, runs.size());
    }
  }

  private static String where(List<CostRun> runs) {
    return runs.isEmpty() ? "no runs" : "from " + runs.get(0).where() + " on";
  }

  /** The run's features, 0 for the terms it does not measure. */
  private static double[] features(CostRun run, int machineCores) {
    IterationShape shape = IterationShape.measured(run, machineCores);
    double[] f = new double[Coefficient.values().length];
    for (Coefficient c : Coefficient.values()) {
      if (measures(run.run(), c.term)) {
        f[c.ordinal()] = c.feature(shape);
      }
    }
    return f;
  }

  /** schedule: scheduling; ship: and shipping; aggregate: and aggregation. */
  static boolean measures(String run, Term term) {
    return switch (run) {
      case CostRun.SCHEDULE -> term == Term.SCHEDULING;
      case CostRun.SHIP -> term != Term.AGGREGATION;
      default -> true;
    };
  }

  /** One term's cost for an iteration of this shape, in ms. */
  double term(Term term, IterationShape shape) {
    double sum = 0;
    for (Coefficient c : Coefficient.values()) {
      if (c.term == term) {
        sum += ms.get(c) * c.feature(shape);
      }
    }
    return sum;
  }

  /** What the model says a {@code bench costs} run measured: the terms its kind of run includes. */
  double predict(CostRun run, int machineCores) {
    IterationShape shape = IterationShape.measured(run, machineCores);
    double sum = 0;
    for (Term t : Term.values()) {
      if (measures(run.run(), t)) {
        sum += term(t, shape);
      }
    }
    return sum;
  }

  double ms(Coefficient c) {
    return ms.get(c);
  }

  double standardError(Coefficient c) {
    return standardErrors.get(c);
  }

  /** Why {@code c} is 0, or null when it was fitted. */
  Unfitted unfitted(Coefficient c) {
    return unfitted.get(c);
  }

  /** How many runs the coefficients were fitted to. */
  int runs() {
    return runs;
  }
}
