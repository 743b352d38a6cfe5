package pcam.model;

import java.util.List;
import java.util.Locale;
import pcam.model.Architecture.Layer;

/** A Keras-style summary table (layer, output shape, params) of an architecture at a crop size. */
public final class ModelSummary {
  private ModelSummary() {}

  public static String render(Architecture architecture, int crop, boolean dropout, double convDropout, double denseDropout) {
    return render(architecture, crop, dropout, convDropout, denseDropout, Head.FLATTEN, false);
  }

  public static String render(
      Architecture architecture, int crop, boolean dropout, double convDropout, double denseDropout, Head head,
      boolean batchNorm) {
    List<Layer> layers = architecture.layers(crop, dropout, convDropout, denseDropout, head, batchNorm);
    // The first column fits the longest "name (Type)" (batch_normalization_1 (BatchNorm) is 34).
    int first = Math.max(28, layers.stream().mapToInt(l -> label(l).length() + 1).max().orElse(0));
    String row = "%-" + first + "s%-25s%12s%n";
    String rule = "_".repeat(first + 37);
    StringBuilder out = new StringBuilder();
    out.append("Model: \"").append(architecture.cliName()).append("\"  (input 96x96x3, centre crop ")
        .append(crop).append('x').append(crop).append(", rescaled 1/255)\n");
    out.append(rule).append('\n');
    out.append(String.format(Locale.ROOT, row, "Layer (type)", "Output Shape", "Param #"));
    out.append("=".repeat(rule.length())).append('\n');
    for (Layer layer : layers) {
      String params = layer.params() == 0 ? "0" : String.format(Locale.ROOT, "%,d", layer.params());
      out.append(String.format(Locale.ROOT, row, label(layer), shape(layer.outputShape()), params));
    }
    out.append("=".repeat(rule.length())).append('\n');
    out.append(String.format(Locale.ROOT, "Total params: %,d%n", Architecture.totalParams(layers)));
    return out.toString();
  }

  private static String label(Layer layer) {
    return layer.name() + " (" + layer.getClass().getSimpleName() + ")";
  }

  static String shape(int[] dims) {
    StringBuilder s = new StringBuilder("(None");
    for (int d : dims) {
      s.append(", ").append(d);
    }
    return s.append(')').toString();
  }
}
