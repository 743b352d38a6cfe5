package pcam.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import pcam.model.Architecture;

class FlopCountTest {
  @Test
  void cnn3AtFullSizeMatchesTheHandCount() {
    // conv 94x94x3->32: 2*94*94*9*3*32 = 15,268,608; conv 45x45x32->64: 2*45*45*9*32*64 = 74,649,600;
    // conv 20x20x64->128: 2*20*20*9*64*128 = 58,982,400; dense 12800->256: 6,553,600; dense 256->1: 512.
    long expected = 15_268_608L + 74_649_600L + 58_982_400L + 6_553_600L + 512L;
    assertThat(FlopCount.forwardPerImage(Architecture.CNN3.layers(96, true, 0.25, 0.25))).isEqualTo(expected);
    // Training: forward, weight and input gradients, but no input gradient for the first conv.
    assertThat(FlopCount.trainPerImage(Architecture.CNN3.layers(96, true, 0.25, 0.25))).isEqualTo(3 * expected - 15_268_608L);
  }

  @Test
  void dropoutLayersAddNothing() {
    assertThat(FlopCount.forwardPerImage(Architecture.CNN9.layers(96, true, 0.3, 0.3)))
        .isEqualTo(FlopCount.forwardPerImage(Architecture.CNN9.layers(96, false, 0, 0)));
  }

  @Test
  void smallerCropCostsLess() {
    // conv 30x30x3->32: 1,555,200; conv 13x13x32->64: 6,230,016; conv 4x4x64->128: 2,359,296;
    // dense 512->256: 262,144; dense 256->1: 512.
    long expected = 1_555_200L + 6_230_016L + 2_359_296L + 262_144L + 512L;
    assertThat(FlopCount.forwardPerImage(Architecture.CNN3.layers(32, false, 0, 0))).isEqualTo(expected);
  }
}
