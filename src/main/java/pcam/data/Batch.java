package pcam.data;

/**
 * One batch as fed to a graph: {@code count} RGB patches of {@code height}x{@code width}, uint8,
 * row-major NHWC in {@code pixels}, and one label (0 or 1) per patch. Unlabelled batches carry
 * labels of NaN. Batches are fed as uint8 so host-to-device traffic is 27 KB per 96x96 patch;
 * cropping and rescaling to [0,1] happen inside the graph.
 */
public record Batch(byte[] pixels, float[] labels, int count, int height, int width) {
  public Batch {
    if (pixels.length != count * height * width * 3 || labels.length != count) {
      throw new IllegalArgumentException("batch arrays do not match " + count + "x" + height + "x" + width + "x3");
    }
  }
}
