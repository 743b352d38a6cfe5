package pcam.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import pcam.model.ServingSpec.Activation;
import pcam.util.InputException;

class ServingSpecTest {
  private static ServingSpec spec(int classes, int positive, Activation activation) {
    return new ServingSpec("in:0", false, 96, 96, "out:0", classes, positive, activation, InputScale.RAW);
  }

  @Test
  void probabilitiesAreReadFromThePositiveColumn() {
    float[] rows = {0.1f, 0.2f, 0.7f, 0.5f, 0.25f, 0.25f};

    assertThat(spec(3, 2, Activation.NONE).positiveProbabilities(rows, 2, 3)).containsExactly(0.7f, 0.25f);
    assertThat(spec(3, 0, Activation.NONE).positiveProbabilities(rows, 2, 3)).containsExactly(0.1f, 0.5f);
  }

  @Test
  void logitsGoThroughSoftmaxOrSigmoidAsKerasDefinesThem() {
    float[] logits = {1f, 2f, 3f, -1f, 0f, 1000f};
    float[] p = spec(3, 1, Activation.SOFTMAX).positiveProbabilities(logits, 2, 3);
    double denominator = Math.exp(1) + Math.exp(2) + Math.exp(3);
    assertThat(p[0]).isCloseTo((float) (Math.exp(2) / denominator), within(1e-7f));
    assertThat(p[1]).isEqualTo(0f); // a huge logit elsewhere: stable, no NaN

    float[] single = {0f, 2f, -3f};
    assertThat(spec(1, 1, Activation.SIGMOID).positiveProbabilities(single, 3, 1))
        .containsExactly(0.5f, (float) (1 / (1 + Math.exp(-2))), (float) (1 / (1 + Math.exp(3))));
    assertThat(spec(1, 0, Activation.SIGMOID).positiveProbabilities(single, 3, 1)[1])
        .isCloseTo((float) (1 - 1 / (1 + Math.exp(-2))), within(1e-7f));
  }

  @Test
  void aPositiveClassBeyondTheOutputIsABadInputNamingTheRange() {
    assertThatThrownBy(() -> spec(-1, 4, Activation.NONE).positiveProbabilities(new float[3], 1, 3))
        .isInstanceOf(InputException.class)
        .hasMessage("positive class 4 is out of range: the output has 3 classes (0..2)");
  }

  @Test
  void uint8InputsOnlyCarryRawPixels() {
    assertThatThrownBy(() -> new ServingSpec("in:0", true, 96, 96, "out:0", 1, 1, Activation.NONE, InputScale.UNIT))
        .isInstanceOf(InputException.class).hasMessageContaining("uint8");
  }
}
