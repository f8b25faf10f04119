package io.metaspark.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.junit.jupiter.api.Test;

class ForwardFlopsTest {

  @Test
  void stridedConv4IsCountedByHand() {
    // 28x28x1, 3x3 same-padded stride-2 convolutions with f filters: 28 -> 14 -> 7 -> 4 -> 2,
    // then a dense softmax over 5 from 2*2*f features; a multiply-add is 2 FLOPs
    int f = 4;
    long conv1 = 2L * 14 * 14 * f * (9 * 1);
    long conv2 = 2L * 7 * 7 * f * (9 * f);
    long conv3 = 2L * 4 * 4 * f * (9 * f);
    long conv4 = 2L * 2 * 2 * f * (9 * f);
    long output = 2L * (2 * 2 * f) * 5;
    assertEquals(conv1 + conv2 + conv3 + conv4 + output, ForwardFlops.perExample(
        Conv4.of(28, 5).filters(f).downsample("stride").build(), InputType.convolutional(28, 28, 1)));
  }

  @Test
  void pooledConv4CountsNothingForThePooling() {
    // stride-1 convolutions at 28, 14, 7, 3 (pooling floors 7 -> 3 and 3 -> 1), then f -> 5
    int f = 3;
    long expected = 2L * 28 * 28 * f * 9 + 2L * 14 * 14 * f * 9 * f + 2L * 7 * 7 * f * 9 * f
        + 2L * 3 * 3 * f * 9 * f + 2L * f * 5;
    assertEquals(expected, ForwardFlops.perExample(Conv4.of(28, 5).filters(f).build(), InputType.convolutional(28, 28, 1)));
  }

  @Test
  void anMlpIsItsWeightMatrices() {
    assertEquals(2L * (1 * 40 + 40 * 40 + 40 * 1),
        ForwardFlops.perExample(MlpShorthand.parse("1-40-40-1").build(), InputType.feedForward(1)));
  }
}
