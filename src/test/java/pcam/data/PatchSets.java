package pcam.data;

import java.util.ArrayList;
import java.util.List;

/** Test helper: small in-memory patch sets with chosen labels and constant pixel values. */
final class PatchSets {
  private PatchSets() {}

  /** Patch i has label labels[i], id "p<i>", and every byte equal to i (mod 256). */
  static PatchSet of(int... labels) {
    List<String> ids = new ArrayList<>();
    byte[] l = new byte[labels.length];
    byte[][] pixels = new byte[labels.length][];
    for (int i = 0; i < labels.length; i++) {
      ids.add("p" + i);
      l[i] = (byte) labels[i];
      pixels[i] = new byte[2 * 2 * 3];
      java.util.Arrays.fill(pixels[i], (byte) i);
    }
    return new PatchSet(ids, l, pixels, 2, 2);
  }

  static int[] labelsWith(int negatives, int positives) {
    int[] labels = new int[negatives + positives];
    for (int i = 0; i < positives; i++) {
      labels[(int) ((long) i * labels.length / positives)] = 1; // spread the positives out
    }
    return labels;
  }
}
