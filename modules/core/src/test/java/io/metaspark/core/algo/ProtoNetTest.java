package io.metaspark.core.algo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.eval.AdaptationCurve;
import io.metaspark.core.eval.QueryMeasures;
import io.metaspark.core.model.Conv4;
import io.metaspark.core.model.Dl4jLearner;
import io.metaspark.core.model.Learner;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.model.NoiseImages;
import io.metaspark.core.model.conv.ConvLearner;
import io.metaspark.core.task.Examples;
import io.metaspark.core.task.Task;
import io.metaspark.core.task.TaskDescriptor;
import io.metaspark.core.task.image.EpisodeTaskFamily;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Prototypical Networks' gradient, through the prototypes and the embedding network's backward
 * pass, against central differences of the episode's query loss: at the initialization and at a
 * point training reached (where training actually goes), on the fast path and on DL4J's layers.
 */
class ProtoNetTest {
  private static final double STEP = 1e-6;
  /** conv4 without its softmax layer, with batch norm and max pooling, in double: 4 filters, 16x16. */
  private static final ModelSpec EMBEDDING = Conv4.embedding(16).filters(4).downsample("pool")
      .dataType(DataType.DOUBLE).seed(5).toSpec();
  /** 3-way 1-shot, 2 queries per class. */
  private static final EpisodeTaskFamily EPISODES = NoiseImages.episodes(16, 3, 2);

  @Test
  void theFastPathTakesTheEmbeddingNetworkAndComputesDl4jsFunction() {
    Learner fast = EMBEDDING.newLearner();
    assertTrue(fast instanceof ConvLearner, fast.getClass().getSimpleName());
    Dl4jLearner dl4j = EMBEDDING.newDl4jLearner();
    double[] theta = EMBEDDING.initialParams();
    Examples query = task(3).query(theta, 0);
    INDArray fastOut = fast.outputs(theta, query.features());
    INDArray dl4jOut = dl4j.outputs(theta, query.features());
    assertArrayEquals(new long[] {6, 4}, fastOut.shape(), "one 4-value embedding per image (4 filters, 1x1)");
    assertArrayEquals(dl4jOut.shape(), fastOut.shape());
    assertArrayEquals(dl4jOut.data().asDouble(), fastOut.data().asDouble(), 1e-9);

    double[] fastGradient = new ProtoNet().compute(fast, theta, task(3), false).metaGradient();
    double[] dl4jGradient = new ProtoNet().compute(dl4j, theta, task(3), false).metaGradient();
    double scale = norm(fastGradient);
    assertTrue(scale > 0);
    for (int i = 0; i < theta.length; i++) {
      assertEquals(dl4jGradient[i], fastGradient[i], 1e-9 * scale, "entry " + i);
    }
  }

  @Test
  void theGradientIsTheEpisodeLossDerivativeAtTheInitialization() {
    Learner learner = EMBEDDING.newLearner();
    checkAgainstCentralDifferences(learner, EMBEDDING.initialParams(), new SplittableRandom(1));
  }

  /** After 60 episodes of SGD (the loss on held-fixed episodes falls by half or more), at the point reached. */
  @Test
  void theGradientIsTheEpisodeLossDerivativeWhereTrainingGoes() {
    Learner learner = EMBEDDING.newLearner();
    double[] theta = EMBEDDING.initialParams();
    double before = meanLoss(learner, theta);
    ProtoNet protoNet = new ProtoNet();
    for (int t = 0; t < 60; t++) {
      double[] g = protoNet.compute(learner, theta, task(100 + t), false).metaGradient();
      Vectors.axpy(-0.1, g, theta);
    }
    double after = meanLoss(learner, theta);
    assertTrue(after < 0.5 * before, "training reduced the query loss: " + before + " -> " + after);
    checkAgainstCentralDifferences(learner, theta, new SplittableRandom(2));
  }

  @Test
  void evaluationClassifiesByTheSupportSetsPrototypes() {
    Learner learner = EMBEDDING.newLearner();
    double[] theta = EMBEDDING.initialParams();
    Task task = task(7);
    AdaptationCurve curve = new AdaptationCurve(new int[] {0, 1, 10}, Adaptation.prototypes());
    assertArrayEquals(new int[] {0}, curve.steps(), "prototypes take no steps: one row");
    QueryMeasures measures = curve.measure(learner, theta, task);
    assertEquals(new ProtoNet().compute(learner, theta, task, true).queryLossAfter(), measures.losses()[0], 1e-12);
    assertTrue(measures.accuracies()[0] >= 0 && measures.accuracies()[0] <= 1);
  }

  @Test
  void prototypesAreClassMeansAndClassifyByDistance() {
    // two classes in 2-D: class 0 at (0, 0) and (2, 0), class 1 at (0, 4)
    Prototypes prototypes = Prototypes.of(new double[] {0, 0, 2, 0, 0, 4}, 2, new double[] {1, 0, 1, 0, 0, 1}, 2);
    assertArrayEquals(new double[] {1, 0}, prototypes.center(0));
    assertArrayEquals(new double[] {0, 4}, prototypes.center(1));
    // the query (1, 1): squared distances 1 and 10
    double[] p = prototypes.probabilities(new double[] {1, 1});
    assertEquals(1 / (1 + Math.exp(-9)), p[0], 1e-15);
    assertEquals(-Math.log(p[1]), prototypes.loss(new double[] {1, 1}, new double[] {0, 1}), 1e-12);
  }

  /** A table task's support set may lack one of the table's classes: that class gets no query, and its queries no loss. */
  @Test
  void aClassWithoutSupportExamplesIsNeverPredictedAndItsQueriesAreLeftOut() {
    // classes 0 and 2 at (0, 0) and (0, 4); class 1 has no support example
    Prototypes prototypes = Prototypes.of(new double[] {0, 0, 0, 4}, 2, new double[] {1, 0, 0, 0, 0, 1}, 3);
    assertTrue(prototypes.has(0) && !prototypes.has(1) && prototypes.has(2));
    double[] queries = {0, 1, 5, 5};
    double[] p = prototypes.probabilities(queries);
    assertEquals(0.0, p[1]);
    assertEquals(0.0, p[4]);
    assertEquals(1.0, p[0] + p[2], 1e-15);
    // the second query is of class 1: only the first counts
    double[] labels = {1, 0, 0, 0, 1, 0};
    assertEquals(1, prototypes.classifiable(labels));
    assertEquals(-Math.log(p[0]), prototypes.loss(queries, labels), 1e-12);
    String message = assertThrows(IllegalArgumentException.class,
        () -> Prototypes.of(new double[0], 2, new double[0], 2)).getMessage();
    assertTrue(message.contains("no support example"), message);
  }

  @Test
  void anEmbeddingNetworkHasNoLossOfItsOwn() {
    Learner learner = EMBEDDING.newLearner();
    double[] theta = EMBEDDING.initialParams();
    Examples support = task(1).support(theta, 0);
    String message = assertThrows(UnsupportedOperationException.class, () -> learner.loss(theta, support))
        .getMessage();
    assertTrue(message.contains("embedding network"), message);
  }

  /** Two episodes, and a third whose support set lacks class 2 (as a table task's may): its queries drop out. */
  private static void checkAgainstCentralDifferences(Learner learner, double[] theta, SplittableRandom random) {
    ProtoNet protoNet = new ProtoNet();
    for (int seed = 0; seed < 3; seed++) {
      Task task = seed < 2 ? task(seed) : withoutClassTwoInSupport(task(seed));
      double[] gradient = protoNet.compute(learner, theta, task, false).metaGradient();
      for (int d = 0; d < 3; d++) {
        double[] direction = new double[theta.length];
        for (int i = 0; i < direction.length; i++) {
          direction[i] = random.nextGaussian();
        }
        double expected = (loss(learner, step(theta, STEP, direction), task)
            - loss(learner, step(theta, -STEP, direction), task)) / (2 * STEP);
        assertEquals(expected, dot(gradient, direction), 1e-6 * (1 + Math.abs(expected)),
            "episode " + seed + ", direction " + d);
      }
    }
  }

  private static double meanLoss(Learner learner, double[] theta) {
    double sum = 0;
    for (int seed = 0; seed < 10; seed++) {
      sum += loss(learner, theta, task(seed));
    }
    return sum / 10;
  }

  private static double loss(Learner learner, double[] theta, Task task) {
    Examples query = task.query(theta, 0);
    return PrototypeEpisode.embed(learner, theta, task.support(theta, 0), query.features())
        .loss(PrototypeEpisode.values(query.labels()));
  }

  private static Task withoutClassTwoInSupport(Task task) {
    Examples support = task.support(null, 0);
    Examples firstTwo = new Examples(
        support.features().get(NDArrayIndex.interval(0, 2), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all())
            .dup('c'),
        support.labels().get(NDArrayIndex.interval(0, 2), NDArrayIndex.all()).dup('c'));
    return new Task() {
      @Override
      public TaskDescriptor descriptor() {
        return task.descriptor();
      }

      @Override
      public Examples support(double[] params, int round) {
        return firstTwo;
      }

      @Override
      public Examples query(double[] params, int round) {
        return task.query(params, round);
      }
    };
  }

  private static Task task(long seed) {
    return EPISODES.open(new TaskDescriptor(0, 0, seed), DataType.DOUBLE);
  }

  private static double[] step(double[] theta, double size, double[] direction) {
    double[] out = theta.clone();
    Vectors.axpy(size, direction, out);
    return out;
  }

  private static double dot(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  private static double norm(double[] a) {
    return Math.sqrt(dot(a, a));
  }
}
