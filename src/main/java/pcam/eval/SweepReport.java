package pcam.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.commons.csv.CSVPrinter;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import pcam.run.RunDirectory;
import pcam.util.AtomicFiles;

/**
 * The comparison the study drew by hand: {@code sweep.csv} (one row per run), the best validation
 * AUC against each numeric knob (e.g. AUC vs crop size), validation-loss curves laid out as a grid
 * over the first two knobs (e.g. optimizer x learning rate), and {@code sweep.html}.
 */
public final class SweepReport {
  public static final String CSV = "sweep.csv";
  public static final String HTML = "sweep.html";
  public static final String LOSS_GRID = "loss-grid.png";
  static final int PANEL_WIDTH = 420;
  static final int PANEL_HEIGHT = 300;

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private SweepReport() {}

  public static void write(SweepGrid grid, List<Sweep.Row> rows, Path dir) {
    writeCsv(grid, rows, dir.resolve(CSV));
    List<String> charts = new ArrayList<>();
    for (String key : grid.keys()) {
      if (grid.values().get(key).stream().allMatch(SweepReport::isNumber)) {
        String file = "auc-vs-" + key + ".png";
        aucVersus(key, rows, dir.resolve(file));
        charts.add(file);
      }
    }
    lossGrid(grid, rows, dir.resolve(LOSS_GRID));
    charts.add(LOSS_GRID);
    writeHtml(grid, rows, charts, dir.resolve(HTML));
  }

  private static void writeCsv(SweepGrid grid, List<Sweep.Row> rows, Path file) {
    AtomicFiles.write(file, tmp -> {
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
          CSVPrinter csv = new CSVPrinter(w, Submission.FORMAT)) {
        List<String> header = new ArrayList<>(List.of("run"));
        header.addAll(grid.keys());
        header.addAll(List.of("best_val_auc", "best_val_accuracy", "best_epoch", "epochs", "seconds"));
        csv.printRecord(header);
        for (Sweep.Row r : rows) {
          List<Object> record = new ArrayList<>(List.of(r.cell().name()));
          grid.keys().forEach(k -> record.add(r.cell().get(k)));
          record.addAll(List.of(fmt(r.bestAuc()), fmt(r.bestAccuracy()), r.bestEpoch(), r.epochs(), String.format(Locale.ROOT, "%.1f", r.seconds())));
          csv.printRecord(record);
        }
      }
    });
  }

  /** Best validation AUC against one numeric knob, one line per combination of the other knobs. */
  private static void aucVersus(String key, List<Sweep.Row> rows, Path png) {
    Map<String, XYSeries> series = new LinkedHashMap<>();
    for (Sweep.Row r : rows) {
      String label = r.cell().describeExcept(List.of(key));
      series.computeIfAbsent(label, l -> new XYSeries(l)).add(Double.parseDouble(r.cell().get(key)), r.bestAuc());
    }
    XYSeriesCollection data = new XYSeriesCollection();
    series.values().forEach(data::addSeries);
    JFreeChart chart = ChartFactory.createXYLineChart(
        "best validation AUC vs " + key, key, "validation AUC", data, PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    plot.setRenderer(new XYLineAndShapeRenderer(true, true));
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
    chart.setBackgroundPaint(Color.WHITE);
    AtomicFiles.write(png, tmp -> ChartUtils.saveChartAsPNG(tmp.toFile(), chart, Charts.WIDTH, Charts.HEIGHT));
  }

  /**
   * Panels in rows by the first knob's values and columns by the second's (one column when there
   * is one knob); each panel has the train (dashed) and validation loss per epoch of its runs.
   */
  private static void lossGrid(SweepGrid grid, List<Sweep.Row> rows, Path png) {
    List<String> keys = grid.keys();
    String rowKey = keys.get(0);
    String colKey = keys.size() > 1 ? keys.get(1) : null;
    List<String> rowValues = grid.values().get(rowKey);
    List<String> colValues = colKey == null ? List.of("") : grid.values().get(colKey);
    BufferedImage image = new BufferedImage(PANEL_WIDTH * colValues.size(), PANEL_HEIGHT * rowValues.size(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      for (int r = 0; r < rowValues.size(); r++) {
        for (int c = 0; c < colValues.size(); c++) {
          String rowValue = rowValues.get(r);
          String colValue = colValues.get(c);
          List<Sweep.Row> matching = rows.stream()
              .filter(x -> x.cell().get(rowKey).equals(rowValue) && (colKey == null || x.cell().get(colKey).equals(colValue)))
              .toList();
          String title = rowKey + "=" + rowValue + (colKey == null ? "" : ", " + colKey + "=" + colValue);
          JFreeChart panel = lossPanel(title, matching, colKey == null ? List.of(rowKey) : List.of(rowKey, colKey));
          g.drawImage(panel.createBufferedImage(PANEL_WIDTH, PANEL_HEIGHT), c * PANEL_WIDTH, r * PANEL_HEIGHT, null);
        }
      }
    } finally {
      g.dispose();
    }
    AtomicFiles.write(png, tmp -> ImageIO.write(image, "png", tmp.toFile()));
  }

  private static JFreeChart lossPanel(String title, List<Sweep.Row> runs, List<String> panelKeys) {
    XYSeriesCollection data = new XYSeriesCollection();
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    Color[] palette = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd)};
    int run = 0;
    for (Sweep.Row r : runs) {
      Path historyFile = RunDirectory.at(r.runDir()).history();
      if (!Files.exists(historyFile)) {
        continue;
      }
      History h = History.read(historyFile);
      String label = r.cell().describeExcept(panelKeys);
      for (String split : List.of("train", "val")) {
        double[] loss = h.column(split + "_loss");
        if (loss == null) {
          continue;
        }
        XYSeries s = new XYSeries((runs.size() > 1 ? label + " " : "") + split);
        for (int e = 0; e < loss.length; e++) {
          s.add(h.column("epoch")[e], loss[e]);
        }
        int index = data.getSeriesCount();
        data.addSeries(s);
        renderer.setSeriesPaint(index, palette[run % palette.length]);
        renderer.setSeriesStroke(index, split.equals("train")
            ? new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {5f, 4f}, 0f)
            : new BasicStroke(2f));
      }
      run++;
    }
    JFreeChart chart = ChartFactory.createXYLineChart(title, "epoch", "loss", data, PlotOrientation.VERTICAL, true, false, false);
    chart.getTitle().setFont(chart.getTitle().getFont().deriveFont(13f));
    XYPlot plot = chart.getXYPlot();
    plot.setRenderer(renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    ((NumberAxis) plot.getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  private static void writeHtml(SweepGrid grid, List<Sweep.Row> rows, List<String> charts, Path file) {
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>pcam sweep</title>\n")
        .append("<style>body{font-family:sans-serif;max-width:1300px;margin:2em auto;color:#222}")
        .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 10px;text-align:left}")
        .append("img{max-width:100%;margin:0.5em 0}</style>\n</head><body>\n<h1>pcam sweep</h1>\n<table>\n<tr><th>run</th>");
    grid.keys().forEach(k -> html.append("<th>").append(RunReport.escape(k)).append("</th>"));
    html.append("<th>best val AUC</th><th>best val accuracy</th><th>best epoch</th><th>epochs</th><th>seconds</th></tr>\n");
    Sweep.Row best = rows.stream().filter(r -> !Double.isNaN(r.bestAuc())).max((a, b) -> Double.compare(a.bestAuc(), b.bestAuc())).orElse(null);
    for (Sweep.Row r : rows) {
      String name = r.cell().name();
      html.append(r == best ? "<tr style=\"font-weight:bold\">" : "<tr>")
          .append("<td><a href=\"").append(RunReport.escape(name)).append("/").append(RunDirectory.REPORT).append("\">")
          .append(RunReport.escape(name)).append("</a></td>");
      grid.keys().forEach(k -> html.append("<td>").append(RunReport.escape(r.cell().get(k))).append("</td>"));
      html.append("<td>").append(fmt(r.bestAuc())).append("</td><td>").append(fmt(r.bestAccuracy())).append("</td><td>")
          .append(r.bestEpoch()).append("</td><td>").append(r.epochs()).append("</td><td>")
          .append(String.format(Locale.ROOT, "%.0f", r.seconds())).append("</td></tr>\n");
    }
    html.append("</table>\n");
    for (String chart : charts) {
      html.append("<div><img src=\"").append(RunReport.escape(chart)).append("\" alt=\"").append(RunReport.escape(chart)).append("\"></div>\n");
    }
    html.append("</body></html>\n");
    AtomicFiles.writeString(file, html.toString());
  }

  private static boolean isNumber(String s) {
    try {
      return Double.isFinite(Double.parseDouble(s)); // "NaN" and "Infinity" parse, but plot nowhere
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
  }
}
