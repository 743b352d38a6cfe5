package pcam.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import pcam.data.Cleaning.Verdict;

class CleaningTest {
  @Test
  void blackPatchIsDark() {
    assertThat(Cleaning.judge(filled(0), 10, 245)).isEqualTo(Verdict.DARK);
    assertThat(Cleaning.judge(filled(9), 10, 245)).isEqualTo(Verdict.DARK);
  }

  @Test
  void oneValueAtTheThresholdKeepsADarkPatch() {
    byte[] pixels = filled(0);
    pixels[40] = 10; // max == threshold is not "below"
    assertThat(Cleaning.judge(pixels, 10, 245)).isEqualTo(Verdict.KEEP);
  }

  @Test
  void whitePatchIsBright() {
    assertThat(Cleaning.judge(filled(255), 10, 245)).isEqualTo(Verdict.BRIGHT);
    assertThat(Cleaning.judge(filled(246), 10, 245)).isEqualTo(Verdict.BRIGHT);
  }

  @Test
  void oneDarkerValueKeepsABrightPatch() {
    byte[] pixels = filled(255);
    pixels[7] = (byte) 245; // min == threshold is not "above"
    assertThat(Cleaning.judge(pixels, 10, 245)).isEqualTo(Verdict.KEEP);
  }

  @Test
  void mostlyWhiteTissueIsKept() {
    // 98% background at 250, a little tissue: real patches like this exist, with either label.
    byte[] pixels = filled(250);
    Arrays.fill(pixels, 0, pixels.length / 50, (byte) 120);
    assertThat(Cleaning.judge(pixels, 10, 245)).isEqualTo(Verdict.KEEP);
  }

  @Test
  void thresholdsAreHonoured() {
    assertThat(Cleaning.judge(filled(30), 31, 245)).isEqualTo(Verdict.DARK);
    assertThat(Cleaning.judge(filled(30), 30, 245)).isEqualTo(Verdict.KEEP);
    assertThat(Cleaning.judge(filled(200), 10, 199)).isEqualTo(Verdict.BRIGHT);
  }

  @Test
  void applyDropsAndCountsByKind() {
    PatchSet set = new PatchSet(
        List.of("black", "tissue", "white", "white2"),
        new byte[] {0, 1, 0, 1},
        new byte[][] {filled(3), filled(128), filled(255), filled(250)},
        96, 96);
    Cleaning.Result result = Cleaning.apply(set, 10, 245);
    assertThat(result.kept().ids()).containsExactly("tissue");
    assertThat(result.droppedDark()).isEqualTo(1);
    assertThat(result.droppedBright()).isEqualTo(2);
    assertThat(result.dropped()).isEqualTo(3);
  }

  private static byte[] filled(int value) {
    byte[] pixels = new byte[PatchReader.BYTES];
    Arrays.fill(pixels, (byte) value);
    return pixels;
  }
}
