package pcam.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SubsetsTest {
  private final PatchSet set = PatchSets.of(PatchSets.labelsWith(600, 400));

  @Test
  void splitIsStratified() {
    Datasets.Split split = Subsets.stratifiedSplit(set, 0.1, 42);
    assertThat(split.validation().count(0)).isEqualTo(60);
    assertThat(split.validation().count(1)).isEqualTo(40);
    assertThat(split.train().count(0)).isEqualTo(540);
    assertThat(split.train().count(1)).isEqualTo(360);
  }

  @Test
  void splitPartitionsTheRows() {
    Datasets.Split split = Subsets.stratifiedSplit(set, 0.25, 7);
    Set<String> all = new HashSet<>(split.train().ids());
    assertThat(all).doesNotContainAnyElementsOf(split.validation().ids());
    all.addAll(split.validation().ids());
    assertThat(all).containsExactlyInAnyOrderElementsOf(set.ids());
  }

  @Test
  void splitIsDeterministicForASeedAndVariesWithIt() {
    var a = Subsets.stratifiedSplit(set, 0.1, 42).validation().ids();
    var b = Subsets.stratifiedSplit(set, 0.1, 42).validation().ids();
    var c = Subsets.stratifiedSplit(set, 0.1, 43).validation().ids();
    assertThat(a).isEqualTo(b);
    assertThat(a).isNotEqualTo(c);
  }

  @Test
  void splitKeepsTheOriginalOrderWithinEachPart() {
    var train = Subsets.stratifiedSplit(set, 0.3, 1).train();
    for (int i = 1; i < train.size(); i++) {
      assertThat(Integer.parseInt(train.id(i).substring(1))).isGreaterThan(Integer.parseInt(train.id(i - 1).substring(1)));
    }
  }

  @Test
  void zeroFractionLeavesValidationEmpty() {
    Datasets.Split split = Subsets.stratifiedSplit(set, 0, 42);
    assertThat(split.validation().size()).isZero();
    assertThat(split.train().size()).isEqualTo(1000);
  }

  @Test
  void sampleIsStratifiedAndExact() {
    PatchSet sample = Subsets.stratifiedSample(set, 101, 5);
    assertThat(sample.size()).isEqualTo(101);
    // 101 * 0.6 = 60.6 -> 61 negatives, 40.4 -> 40 positives (largest remainder)
    assertThat(sample.count(0)).isEqualTo(61);
    assertThat(sample.count(1)).isEqualTo(40);
    assertThat(set.ids()).containsAll(sample.ids());
  }

  @Test
  void sampleIsDeterministicForASeedAndVariesWithIt() {
    assertThat(Subsets.stratifiedSample(set, 50, 9).ids()).isEqualTo(Subsets.stratifiedSample(set, 50, 9).ids());
    assertThat(Subsets.stratifiedSample(set, 50, 9).ids()).isNotEqualTo(Subsets.stratifiedSample(set, 50, 10).ids());
  }

  @Test
  void sampleLargerThanTheSetIsTheSet() {
    assertThat(Subsets.stratifiedSample(set, 5000, 1)).isSameAs(set);
  }

  @Test
  void largestRemainderSumsExactly() {
    assertThat(Subsets.largestRemainder(new int[] {1, 1}, 1)).containsExactly(1, 0);
    assertThat(Subsets.largestRemainder(new int[] {2, 1}, 2)).containsExactly(1, 1);
    assertThat(Subsets.largestRemainder(new int[] {130908, 89117}, 10000)).containsExactly(5950, 4050);
  }

  @Test
  void selectedPixelsFollowTheirIds() {
    PatchSet sample = Subsets.stratifiedSample(set, 30, 3);
    for (int i = 0; i < sample.size(); i++) {
      int original = Integer.parseInt(sample.id(i).substring(1));
      assertThat(sample.pixels(i)[0]).isEqualTo((byte) original);
      assertThat(sample.label(i)).isEqualTo(set.label(original));
    }
  }
}
