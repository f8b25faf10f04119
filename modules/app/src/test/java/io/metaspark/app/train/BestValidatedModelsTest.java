package io.metaspark.app.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metaspark.app.evaluate.AdaptationEvaluation;
import io.metaspark.app.run.RunDirectory;
import io.metaspark.core.eval.CurveEstimate;
import io.metaspark.core.eval.MeanEstimate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ranking of {@code validate.keep-best}: by the ranked step count's row, ties to the later, across a resume. */
class BestValidatedModelsTest {
  @TempDir
  Path dir;

  /** A classification validation whose accuracy after 1 step is the mean of {@code shares}, after 0 steps 0. */
  private static AdaptationEvaluation validation(double... shares) {
    MeanEstimate[] accuracies = {MeanEstimate.of(new double[shares.length]), MeanEstimate.of(shares)};
    MeanEstimate[] losses = {MeanEstimate.of(new double[] {2, 2}), MeanEstimate.of(new double[] {1, 1})};
    return new AdaptationEvaluation(shares.length, 8, 0.4, new int[] {0, 1},
        new CurveEstimate(losses, accuracies, accuracies, accuracies, accuracies), null);
  }

  private BestValidatedModels best(RunDirectory run, long resumedAt) throws IOException {
    return new BestValidatedModels(run, 2, 1, resumedAt,
        (model, params, iteration, facts) -> model.writeString("model.json", "{\"iterations\": " + iteration + "}"));
  }

  private List<String> kept() throws IOException {
    try (Stream<Path> listing = Files.list(dir.resolve("run/best"))) {
      return listing.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void keepsTheBestByTheRankedStepsRowWithTiesToTheLaterAcrossAResume() throws IOException {
    RunDirectory run = RunDirectory.openOrCreate(dir.resolve("run").toString(), new Configuration());
    BestValidatedModels best = best(run, 0);
    best.offer(10, new double[0], validation(0.1, 0.2, 0.3));
    best.offer(20, new double[0], validation(0.5, 0.5, 0.5));
    best.offer(30, new double[0], validation(0.0, 0.0, 0.3));
    assertEquals(List.of("iteration-000000000010", "iteration-000000000020"), kept());
    // 0.3 + 0.2 + 0.1 is not 0.1 + 0.2 + 0.3 in floating point: still the same accuracy, so the later wins
    best.offer(40, new double[0], validation(0.3, 0.2, 0.1));
    assertEquals(List.of("iteration-000000000020", "iteration-000000000040"), kept());

    // resumed from iteration 30: the model of 40 is dropped (it is trained and validated again), and
    // the ranking of what is left goes on
    BestValidatedModels resumed = best(run, 30);
    assertEquals(List.of("iteration-000000000020"), kept());
    resumed.offer(40, new double[0], validation(0.9, 0.9, 0.9));
    resumed.offer(50, new double[0], validation(0.1, 0.1, 0.1));
    assertEquals(List.of("iteration-000000000020", "iteration-000000000040"), kept());
    assertEquals("{\"iterations\": 40}", Files.readString(dir.resolve("run/best/iteration-000000000040/model.json")));
  }
}
