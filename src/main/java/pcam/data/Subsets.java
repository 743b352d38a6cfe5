package pcam.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded, stratified subsets of a labelled {@link PatchSet}: each class keeps its share. Rows keep
 * their original relative order, so the result depends on the seed only, never on iteration order.
 */
public final class Subsets {
  /** Distinct streams for sampling and splitting, so that changing one cut never shifts the other. */
  private static final long SAMPLE_SALT = 0x9E3779B97F4A7C15L;
  private static final long SPLIT_SALT = 0xC2B2AE3D27D4EB4FL;

  private Subsets() {}

  /** A random subset of {@code n} patches with the class proportions of {@code set}. */
  public static PatchSet stratifiedSample(PatchSet set, int n, long seed) {
    if (n >= set.size()) {
      return set;
    }
    int[][] byClass = rowsByClass(set);
    int[] quotas = largestRemainder(new int[] {byClass[0].length, byClass[1].length}, n);
    SplittableRandom random = new SplittableRandom(seed ^ SAMPLE_SALT);
    List<Integer> chosen = new ArrayList<>();
    for (int c = 0; c < 2; c++) {
      int[] rows = shuffle(byClass[c], random);
      for (int k = 0; k < quotas[c]; k++) {
        chosen.add(rows[k]);
      }
    }
    return set.select(sorted(chosen));
  }

  /** Holds out {@code round(n_c * valFraction)} patches of each class c for validation. */
  public static Datasets.Split stratifiedSplit(PatchSet set, double valFraction, long seed) {
    if (!(valFraction >= 0 && valFraction < 1)) { // NaN fails too
      throw new IllegalArgumentException("validation fraction must be in [0, 1), got " + valFraction);
    }
    int[][] byClass = rowsByClass(set);
    SplittableRandom random = new SplittableRandom(seed ^ SPLIT_SALT);
    List<Integer> train = new ArrayList<>();
    List<Integer> validation = new ArrayList<>();
    for (int c = 0; c < 2; c++) {
      int[] rows = shuffle(byClass[c], random);
      int held = (int) Math.round(rows.length * valFraction);
      for (int k = 0; k < rows.length; k++) {
        (k < held ? validation : train).add(rows[k]);
      }
    }
    return new Datasets.Split(set.select(sorted(train)), set.select(sorted(validation)));
  }

  private static int[][] rowsByClass(PatchSet set) {
    int[][] byClass = {new int[set.count(0)], new int[set.count(1)]};
    int[] filled = new int[2];
    for (int i = 0; i < set.size(); i++) {
      int label = set.label(i);
      if (label != 0 && label != 1) {
        throw new IllegalArgumentException("stratifying needs labels 0/1; row " + i + " (" + set.id(i) + ") has " + label);
      }
      byClass[label][filled[label]++] = i;
    }
    return byClass;
  }

  /** Splits {@code n} over the classes in proportion to their sizes, summing to exactly n. */
  static int[] largestRemainder(int[] sizes, int n) {
    long total = Arrays.stream(sizes).asLongStream().sum();
    int[] quotas = new int[sizes.length];
    double[] remainders = new double[sizes.length];
    int assigned = 0;
    for (int c = 0; c < sizes.length; c++) {
      double exact = (double) sizes[c] * n / total;
      quotas[c] = (int) Math.floor(exact);
      remainders[c] = exact - quotas[c];
      assigned += quotas[c];
    }
    while (assigned < n) {
      int best = 0;
      for (int c = 1; c < sizes.length; c++) {
        if (remainders[c] > remainders[best]) {
          best = c;
        }
      }
      quotas[best]++;
      remainders[best] = -1;
      assigned++;
    }
    return quotas;
  }

  private static int[] shuffle(int[] rows, SplittableRandom random) {
    int[] out = rows.clone();
    for (int i = out.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
    return out;
  }

  private static int[] sorted(List<Integer> rows) {
    return rows.stream().mapToInt(Integer::intValue).sorted().toArray();
  }
}
