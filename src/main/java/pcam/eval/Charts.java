package pcam.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import pcam.util.AtomicFiles;

/**
 * The study's plots as PNGs, drawn headless with JFreeChart: ROC curve, confusion matrix and
 * per-epoch training curves. Each file is written atomically.
 */
public final class Charts {
  public static final int WIDTH = 800;
  public static final int HEIGHT = 600;
  public static final int CONFUSION_SIZE = 520;

  static {
    // Charts must render on servers and CI without a display.
    System.setProperty("java.awt.headless", "true");
  }

  private Charts() {}

  /** ROC curve with the AUC in the legend, and the chance diagonal. */
  public static void roc(float[] probabilities, float[] labels, Path png) {
    XYSeries curve = new XYSeries(String.format(Locale.ROOT, "model (AUC = %.4f)", BinaryMetrics.auc(probabilities, labels)), false);
    for (BinaryMetrics.RocPoint p : BinaryMetrics.roc(probabilities, labels)) {
      curve.add(p.falsePositiveRate(), p.truePositiveRate());
    }
    XYSeries chance = new XYSeries("chance", false);
    chance.add(0, 0);
    chance.add(1, 1);
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(curve);
    data.addSeries(chance);
    JFreeChart chart = ChartFactory.createXYLineChart(
        "ROC curve (n = " + probabilities.length + ")", "false positive rate", "true positive rate",
        data, PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    style(plot);
    plot.getRenderer().setSeriesPaint(0, new Color(0x1f77b4));
    plot.getRenderer().setSeriesStroke(0, new BasicStroke(2.5f));
    plot.getRenderer().setSeriesPaint(1, Color.GRAY);
    plot.getRenderer().setSeriesStroke(1, new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {6f, 6f}, 0f));
    ((NumberAxis) plot.getDomainAxis()).setRange(0, 1);
    ((NumberAxis) plot.getRangeAxis()).setRange(0, 1.01);
    save(chart, png, WIDTH, HEIGHT);
  }

  /** 2x2 heat-map of counts, actual label on the vertical axis, predicted on the horizontal. */
  public static void confusion(BinaryMetrics.Confusion c, double threshold, Path png) {
    DefaultXYZDataset data = new DefaultXYZDataset();
    // (x = predicted, y = actual, z = count)
    double[][] cells = {{0, 1, 0, 1}, {0, 0, 1, 1}, {c.tn(), c.fp(), c.fn(), c.tp()}};
    data.addSeries("counts", cells);
    double max = Math.max(1, Math.max(Math.max(c.tn(), c.fp()), Math.max(c.fn(), c.tp())));
    XYBlockRenderer renderer = new XYBlockRenderer();
    renderer.setPaintScale(new BlueScale(max));
    String[] classes = {"0 no tumour", "1 tumour"};
    SymbolAxis predicted = new SymbolAxis("predicted (probability >= " + threshold + ")", classes);
    SymbolAxis actual = new SymbolAxis("actual", classes);
    predicted.setGridBandsVisible(false);
    actual.setGridBandsVisible(false);
    predicted.setRange(-0.5, 1.5);
    actual.setRange(-0.5, 1.5);
    actual.setInverted(true);
    XYPlot plot = new XYPlot(data, predicted, actual, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinesVisible(false);
    plot.setRangeGridlinesVisible(false);
    long total = Math.max(1, c.total());
    for (int i = 0; i < 4; i++) {
      long count = (long) cells[2][i];
      String text = String.format(Locale.ROOT, "%,d (%.1f%%)", count, 100.0 * count / total);
      XYTextAnnotation label = new XYTextAnnotation(text, cells[0][i], cells[1][i]);
      label.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
      label.setPaint(count > max / 2 ? Color.WHITE : Color.BLACK);
      plot.addAnnotation(label);
    }
    JFreeChart chart = new JFreeChart(
        String.format(Locale.ROOT, "Confusion matrix (accuracy %.4f)", c.accuracy()), JFreeChart.DEFAULT_TITLE_FONT, plot, false);
    chart.setBackgroundPaint(Color.WHITE);
    save(chart, png, CONFUSION_SIZE, CONFUSION_SIZE);
  }

  /**
   * One chart per metric of the history (loss, accuracy, auc, ...), train and validation per
   * epoch, written as {@code curves-<metric>.png} into {@code dir}; returns the files written.
   */
  public static List<Path> trainingCurves(History history, Path dir) {
    List<Path> written = new ArrayList<>();
    double[] epochs = history.column("epoch");
    for (String metric : history.metrics()) {
      XYSeriesCollection data = new XYSeriesCollection();
      for (String split : List.of("train", "val")) {
        double[] values = history.column(split + "_" + metric);
        if (values != null) {
          XYSeries series = new XYSeries(split.equals("train") ? "train" : "validation");
          for (int e = 0; e < epochs.length; e++) {
            if (!Double.isNaN(values[e])) {
              series.add(epochs[e], values[e]);
            }
          }
          data.addSeries(series);
        }
      }
      JFreeChart chart = ChartFactory.createXYLineChart(
          metric + " per epoch", "epoch", metric, data, PlotOrientation.VERTICAL, true, false, false);
      XYPlot plot = chart.getXYPlot();
      style(plot);
      XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
      for (int i = 0; i < data.getSeriesCount(); i++) {
        // Same colour for a split in every chart, even when the other split is absent.
        boolean train = data.getSeriesKey(i).equals("train");
        renderer.setSeriesPaint(i, train ? new Color(0x1f77b4) : new Color(0xff7f0e));
        renderer.setSeriesStroke(i, new BasicStroke(2f));
      }
      plot.setRenderer(renderer);
      ((NumberAxis) plot.getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
      ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
      Path png = dir.resolve(curveFile(metric));
      save(chart, png, WIDTH, HEIGHT);
      written.add(png);
    }
    return written;
  }

  public static String curveFile(String metric) {
    return "curves-" + metric + ".png";
  }

  private static void style(XYPlot plot) {
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
  }

  private static void save(JFreeChart chart, Path png, int width, int height) {
    chart.setBackgroundPaint(Color.WHITE);
    AtomicFiles.write(png, tmp -> ChartUtils.saveChartAsPNG(tmp.toFile(), chart, width, height));
  }

  /** White to dark blue by count. */
  private record BlueScale(double max) implements PaintScale {
    @Override
    public double getLowerBound() {
      return 0;
    }

    @Override
    public double getUpperBound() {
      return max;
    }

    @Override
    public java.awt.Paint getPaint(double value) {
      double t = Math.min(1, Math.max(0, value / max));
      return new Color((int) (247 - t * (247 - 8)), (int) (251 - t * (251 - 48)), (int) (255 - t * (255 - 107)));
    }
  }
}
