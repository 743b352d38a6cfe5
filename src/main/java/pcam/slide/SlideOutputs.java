package pcam.slide;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import pcam.util.AtomicFiles;
import pcam.util.Json;

/**
 * Writes a scored slide's outputs into a folder, each file atomically, summary.json last (its
 * presence marks a finished slide): tiles.csv, heatmap.png, tissue.png, regions.geojson,
 * summary.json and report.html.
 */
public final class SlideOutputs {
  public static final String SUMMARY = "summary.json";
  public static final List<String> FILES =
      List.of("tiles.csv", "heatmap.png", "tissue.png", "regions.geojson", SUMMARY, "report.html");
  /** The slide-level score is the mean of this many highest window probabilities. */
  public static final int TOP_K = 5;

  private SlideOutputs() {}

  /** What the summary says about the run, besides the windows. */
  public record Run(Path slideFile, String format, double slideMpp, String slideMppSource, String model,
      ModelResolution modelResolution, LevelChoice choice, String tta, double minTissue, double threshold) {}

  /** Writes everything and returns the summary's values. */
  public static Map<String, Object> write(Path dir, Run run, TissueMask mask, SlideScorer.Result result) {
    List<Regions.Polygon> regions = tumourRegions(result, run.threshold());
    Map<String, Object> summary = summary(run, mask, result, regions);
    writeTiles(dir.resolve("tiles.csv"), result, run.choice().level());
    writePng(dir.resolve("tissue.png"), mask.overlay());
    writePng(dir.resolve("heatmap.png"), heatmap(mask, result, run.threshold()));
    Json.write(dir.resolve("regions.geojson"), geoJson(regions, result, run.slideMpp()));
    AtomicFiles.writeString(dir.resolve("report.html"), report(run, summary));
    Json.write(dir.resolve(SUMMARY), summary);
    return summary;
  }

  static Map<String, Object> summary(Run run, TissueMask mask, SlideScorer.Result result, List<Regions.Polygon> regions) {
    double mm2PerPx0 = run.slideMpp() * run.slideMpp() / 1e6;
    float[] p = result.probabilities();
    float[] sorted = p.clone();
    Arrays.sort(sorted);
    double top = 0;
    int k = Math.min(TOP_K, sorted.length);
    for (int i = 0; i < k; i++) {
      top += sorted[sorted.length - 1 - i];
    }
    double tumourPx = regions.stream().mapToDouble(Regions.Polygon::area).sum();
    LevelChoice c = run.choice();
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("slide", run.slideFile().toString());
    s.put("format", run.format());
    s.put("model", run.model());
    s.put("model_mpp", run.modelResolution().mpp());
    s.put("model_mpp_source", run.modelResolution().source());
    s.put("slide_mpp", run.slideMpp());
    s.put("slide_mpp_source", run.slideMppSource());
    s.put("level", c.level());
    s.put("level_mpp", round(c.levelMpp(), 4));
    s.put("level_reason", c.reason());
    s.put("resampled", c.resample());
    s.put("window_px", c.windowPx());
    s.put("window_level0_px", result.windowSize0());
    s.put("stride_level0_px", result.stride0());
    s.put("tta", run.tta());
    s.put("min_tissue", run.minTissue());
    s.put("threshold", run.threshold());
    s.put("windows_candidates", result.candidates());
    s.put("windows_scored", result.count());
    s.put("tissue_area_mm2", round(mask.tissuePixels() * mask.scale() * mask.scale() * mm2PerPx0, 4));
    s.put("tumour_area_mm2", round(tumourPx * mm2PerPx0, 4));
    s.put("tumour_regions", regions.size());
    s.put("max_probability", p.length == 0 ? null : round(sorted[sorted.length - 1], 5));
    s.put("slide_score", k == 0 ? null : round(top / k, 5));
    s.put("slide_score_rule", "mean of the " + TOP_K + " highest window probabilities");
    s.put("tissue_mask", Map.of("width", mask.width(), "height", mask.height(), "level0_px_per_pixel",
        round(mask.scale(), 3), "saturation_threshold", round(mask.threshold(), 4)));
    s.put("unreadable", result.unreadable());
    s.put("seconds", round(result.nanos() / 1e9, 2));
    s.put("windows_per_s", round(result.windowsPerSecond(), 1));
    return s;
  }

  static List<Regions.Polygon> tumourRegions(SlideScorer.Result result, double threshold) {
    // Overlapping windows (stride < size) are drawn as their central stride x stride cell.
    long side = Math.min(result.stride0(), result.windowSize0());
    long inset = (result.windowSize0() - side) / 2;
    int n = 0;
    long[] xs = new long[result.count()];
    long[] ys = new long[result.count()];
    for (int i = 0; i < result.count(); i++) {
      if (result.probabilities()[i] >= threshold) {
        xs[n] = result.xs()[i] + inset;
        ys[n] = result.ys()[i] + inset;
        n++;
      }
    }
    return Regions.outline(Arrays.copyOf(xs, n), Arrays.copyOf(ys, n), side);
  }

  private static void writeTiles(Path file, SlideScorer.Result r, int level) {
    AtomicFiles.write(file, tmp -> {
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
          CSVPrinter csv = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setHeader("x", "y", "size", "level", "probability").get())) {
        // Row by row (y, then x), whatever order the blocks were scored in.
        Integer[] order = new Integer[r.count()];
        for (int i = 0; i < order.length; i++) {
          order[i] = i;
        }
        Arrays.sort(order, (a, b) -> r.ys()[a] != r.ys()[b] ? Integer.compare(r.ys()[a], r.ys()[b]) : Integer.compare(r.xs()[a], r.xs()[b]));
        for (int i : order) {
          csv.printRecord(r.xs()[i], r.ys()[i], r.windowSize0(), level, String.format(Locale.ROOT, "%.6f", r.probabilities()[i]));
        }
      }
    });
  }

  private static void writePng(Path file, BufferedImage image) {
    AtomicFiles.write(file, tmp -> {
      if (!ImageIO.write(image, "png", tmp.toFile())) {
        throw new IOException("no PNG writer");
      }
    });
  }

  private static Map<String, Object> geoJson(List<Regions.Polygon> regions, SlideScorer.Result r, double mpp) {
    List<Object> features = new ArrayList<>();
    for (Regions.Polygon polygon : regions) {
      List<Object> rings = new ArrayList<>();
      rings.add(polygon.outer());
      rings.addAll(polygon.holes());
      double max = 0;
      long[] box = bounds(polygon.outer());
      for (int i = 0; i < r.count(); i++) {
        if (r.xs()[i] >= box[0] && r.ys()[i] >= box[1] && r.xs()[i] < box[2] && r.ys()[i] < box[3]) {
          max = Math.max(max, r.probabilities()[i]);
        }
      }
      Map<String, Object> props = new LinkedHashMap<>();
      props.put("objectType", "annotation");
      props.put("classification", Map.of("name", "Tumor", "color", List.of(200, 0, 0)));
      props.put("area_mm2", round(polygon.area() * mpp * mpp / 1e6, 5));
      props.put("max_probability", round(max, 5));
      features.add(Map.of("type", "Feature", "geometry", Map.of("type", "Polygon", "coordinates", rings),
          "properties", props));
    }
    Map<String, Object> fc = new LinkedHashMap<>();
    fc.put("type", "FeatureCollection");
    fc.put("features", features);
    return fc;
  }

  private static long[] bounds(List<long[]> ring) {
    long[] b = {Long.MAX_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE};
    for (long[] p : ring) {
      b[0] = Math.min(b[0], p[0]);
      b[1] = Math.min(b[1], p[1]);
      b[2] = Math.max(b[2], p[0]);
      b[3] = Math.max(b[3], p[1]);
    }
    return b;
  }

  /** Probability 0..1 to a blue - cyan - yellow - red colour. */
  static Color colour(double p) {
    double[][] stops = {{0, 30, 60, 200}, {0.35, 0, 200, 220}, {0.65, 250, 220, 0}, {1, 215, 0, 0}};
    p = Math.max(0, Math.min(1, p));
    for (int i = 1; i < stops.length; i++) {
      if (p <= stops[i][0]) {
        double t = (p - stops[i - 1][0]) / (stops[i][0] - stops[i - 1][0]);
        return new Color((int) Math.round(stops[i - 1][1] + t * (stops[i][1] - stops[i - 1][1])),
            (int) Math.round(stops[i - 1][2] + t * (stops[i][2] - stops[i - 1][2])),
            (int) Math.round(stops[i - 1][3] + t * (stops[i][3] - stops[i - 1][3])));
      }
    }
    return new Color(215, 0, 0);
  }

  /** The thumbnail, faded to grey, with each scored window filled in its probability's colour, and a legend. */
  static BufferedImage heatmap(TissueMask mask, SlideScorer.Result r, double threshold) {
    int up = Math.max(1, (int) Math.ceil(1000.0 / Math.max(mask.width(), mask.height())));
    int w = mask.width() * up;
    int h = mask.height() * up;
    int legend = 150;
    BufferedImage out = new BufferedImage(w + legend, Math.max(h, 260), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, out.getWidth(), out.getHeight());
      BufferedImage thumb = mask.thumbnail();
      for (int y = 0; y < thumb.getHeight(); y++) {
        for (int x = 0; x < thumb.getWidth(); x++) {
          int c = thumb.getRGB(x, y);
          int luma = (int) (0.3 * (c >> 16 & 0xff) + 0.59 * (c >> 8 & 0xff) + 0.11 * (c & 0xff));
          int v = 120 + luma / 2;
          thumb.setRGB(x, y, v << 16 | v << 8 | v);
        }
      }
      g.drawImage(thumb, 0, 0, w, h, null);
      double f = up / mask.scale();
      // Draw each window's stride cell (its whole square when windows do not overlap).
      double side = Math.min(r.stride0(), r.windowSize0());
      double inset = (r.windowSize0() - side) / 2;
      g.setComposite(java.awt.AlphaComposite.getInstance(java.awt.AlphaComposite.SRC_OVER, 0.7f));
      for (int i = 0; i < r.count(); i++) {
        g.setColor(colour(r.probabilities()[i]));
        int x0 = (int) Math.floor((r.xs()[i] + inset) * f);
        int y0 = (int) Math.floor((r.ys()[i] + inset) * f);
        int x1 = (int) Math.ceil((r.xs()[i] + inset + side) * f);
        int y1 = (int) Math.ceil((r.ys()[i] + inset + side) * f);
        g.fillRect(x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0));
      }
      g.setComposite(java.awt.AlphaComposite.SrcOver);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      int bx = w + 30;
      int by = 40;
      int bh = 200;
      for (int i = 0; i < bh; i++) {
        g.setColor(colour(1 - i / (double) (bh - 1)));
        g.fillRect(bx, by + i, 24, 1);
      }
      g.setColor(Color.BLACK);
      g.setStroke(new BasicStroke(1));
      g.drawRect(bx, by, 24, bh);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      g.drawString("P(tumour)", bx - 10, by - 14);
      for (double t : new double[] {0, 0.25, 0.5, 0.75, 1}) {
        int y = by + (int) Math.round((1 - t) * (bh - 1));
        g.drawLine(bx + 24, y, bx + 30, y);
        g.drawString(String.format(Locale.ROOT, "%.2f", t), bx + 34, y + 4);
      }
      int ty = by + (int) Math.round((1 - threshold) * (bh - 1));
      g.setColor(Color.RED);
      g.drawLine(bx - 6, ty, bx + 24, ty);
      g.drawString("threshold", bx - 4, by + bh + 20);
      g.setColor(Color.DARK_GRAY);
      g.drawString(r.count() + " windows", bx - 4, by + bh + 38);
    } finally {
      g.dispose();
    }
    return out;
  }

  private static String report(Run run, Map<String, Object> summary) {
    StringBuilder rows = new StringBuilder();
    for (Map.Entry<String, Object> e : summary.entrySet()) {
      rows.append("<tr><th>").append(escape(e.getKey())).append("</th><td>").append(escape(String.valueOf(e.getValue())))
          .append("</td></tr>\n");
    }
    return "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>pcam slide: " + escape(run.slideFile().getFileName().toString())
        + "</title>\n<style>body{font-family:sans-serif;margin:2em}img{max-width:100%;border:1px solid #ccc}"
        + "th{text-align:left;padding-right:1em;vertical-align:top}td{font-family:monospace}</style></head><body>\n"
        + "<h1>" + escape(run.slideFile().getFileName().toString()) + "</h1>\n"
        + "<h2>Tumour heatmap</h2>\n<img src=\"heatmap.png\" alt=\"heatmap\">\n"
        + "<h2>Tissue mask</h2>\n<img src=\"tissue.png\" alt=\"tissue mask\">\n"
        + "<p>Window probabilities: <a href=\"tiles.csv\">tiles.csv</a>. Tumour regions (level-0 pixels, QuPath: File &gt;"
        + " Import objects): <a href=\"regions.geojson\">regions.geojson</a>.</p>\n"
        + "<h2>Summary</h2>\n<table>\n" + rows + "</table>\n</body></html>\n";
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  static double round(double v, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(v * scale) / scale;
  }
}
