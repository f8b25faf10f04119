package io.metaspark.app.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.metaspark.app.builtin.BuiltIns;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A run continues on the implementation it started with: its checkpoint records what
 * model.learner resolved to, because auto's meaning changes between versions (it took oneDNN's
 * convolutions on 2026-11-26) and each implementation rounds floats its own way.
 */
class LearnerOnResumeTest {
  private static final String GLYPHS = "tasks.images.locations=[\"../../src-test-data/glyphs/images_background\","
      + "\"../../src-test-data/glyphs/images_evaluation\"]";

  private static Job conv4(String... overrides) {
    List<String> all = new ArrayList<>(List.of(GLYPHS));
    all.addAll(List.of(overrides));
    return Job.load(new File("../../conf/omniglot-small.conf"), all, BuiltIns.registries());
  }

  private static Job sinusoid(String... overrides) {
    return Job.load(new File("../../conf/sinusoid.conf"), List.of(overrides), BuiltIns.registries());
  }

  private static String recorded(Job job) {
    return ConfigFactory.parseString(job.fingerprint()).getString("resolved.learner");
  }

  /** What a checkpoint written before the learner was recorded holds. */
  private static String withoutTheRecord(Job job) {
    return ConfigFactory.parseString(job.fingerprint()).withoutPath("resolved.learner").root().render();
  }

  @Test
  void theCheckpointRecordsTheImplementationTheLearnerResolvesTo() {
    assertEquals("conv-onednn", recorded(conv4()));
    assertEquals("conv-libnd4j-java-first", recorded(conv4("model.learner=libnd4j")));
    assertEquals("conv-libnd4j", recorded(conv4("model.learner=native-convolutions")));
    assertEquals("dl4j", recorded(conv4("model.learner=dl4j")));
    // oneDNN has no double convolutions: auto keeps libnd4j's for a double network
    assertEquals("conv-libnd4j-java-first", recorded(conv4("model.data-type=double")));
    assertEquals("dense", recorded(sinusoid()));
    // an algorithm that asks no Hessian-vector products gives auto the float route; MAML keeps oneDNN's
    assertEquals("conv-onednn-float", recorded(conv4("algorithm.name=fomaml")));
    assertEquals("conv-onednn-float", recorded(conv4("algorithm.name=reptile")));
    assertEquals("conv-onednn", recorded(conv4("algorithm.name=fomaml", "model.learner=onednn")));
    assertEquals("conv-onednn-float", recorded(conv4("model.learner=onednn-float")));
    // max pooling between the blocks: the float route does not fit, oneDNN's takes it
    assertEquals("conv-onednn", recorded(conv4("algorithm.name=fomaml", "model.conv4.downsample=pool")));
  }

  /** A first-order run started before auto took the float route for it continues with model.learner = onednn. */
  @Test
  void aFirstOrderRunFromBeforeTheFloatRouteIsToldHowToContinue() {
    String before = conv4("algorithm.name=fomaml", "model.learner=onednn").fingerprint();
    assertEquals(List.of("the learner (conv-onednn -> conv-onednn-float; --set model.learner=onednn continues it)"),
        conv4("algorithm.name=fomaml").resumeDifferences(before));
    assertEquals(List.of(), conv4("algorithm.name=fomaml", "model.learner=onednn").resumeDifferences(before));
  }

  @Test
  void aRunContinuesOnlyOnItsOwnImplementationAndTheRefusalSaysHow() {
    String libnd4jRun = conv4("model.learner=libnd4j").fingerprint();
    assertEquals(List.of("the learner (conv-libnd4j-java-first -> conv-onednn; --set model.learner=libnd4j"
        + " continues it)"), conv4().resumeDifferences(libnd4jRun));
    assertEquals(List.of(), conv4("model.learner=libnd4j").resumeDifferences(libnd4jRun));
    assertEquals(List.of(), conv4().resumeDifferences(conv4().fingerprint()));
    // the name may change as long as the implementation does not
    String doubleRun = conv4("model.data-type=double", "model.learner=libnd4j").fingerprint();
    assertEquals(List.of(), conv4("model.data-type=double").resumeDifferences(doubleRun));
  }

  @Test
  void whereTheLearnerCannotChangeTheArithmeticItsNameMayChange() {
    assertEquals(List.of(), sinusoid().resumeDifferences(sinusoid("model.learner=libnd4j").fingerprint()));
    assertEquals(List.of("the learner (dense -> dl4j; --set model.learner=auto continues it)"),
        sinusoid("model.learner=dl4j").resumeDifferences(sinusoid().fingerprint()));
  }

  @Test
  void aCheckpointWithoutTheRecordContinuesUnderTheLearnerTheUserNamesWithANote() {
    Job auto = conv4();
    Job libnd4j = conv4("model.learner=libnd4j");
    String old = withoutTheRecord(libnd4j);
    assertEquals(List.of(), auto.resumeDifferences(old));
    assertEquals(List.of(), libnd4j.resumeDifferences(old));
    String note = auto.resumeNote(old).orElseThrow();
    assertTrue(note.contains("continuing with conv-onednn") && note.contains("--set model.learner=libnd4j"), note);
    assertTrue(auto.resumeNote(auto.fingerprint()).isEmpty());
    assertTrue(sinusoid().resumeNote(withoutTheRecord(sinusoid())).isEmpty(), "a dense network has one route");
  }
}
