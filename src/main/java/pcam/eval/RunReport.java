package pcam.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import pcam.run.RunDirectory;
import pcam.util.AtomicFiles;
import pcam.util.InputException;
import pcam.util.Json;

/**
 * {@code report.html} for a run directory (or an evaluate output folder): the config, the metrics,
 * the training curves, the ROC curve and the confusion matrix. Charts are (re)drawn from the
 * files the run left ({@code history.csv}, {@code predictions.csv}, {@code metrics.json}), so the
 * report can be rebuilt at any time; whatever is missing is left out.
 */
public final class RunReport {
  public static final String ROC_PNG = "roc.png";
  public static final String CONFUSION_PNG = "confusion.png";

  private RunReport() {}

  /** Draws the charts and writes {@code dir/report.html}; returns its path. */
  public static Path write(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new InputException(dir + ": not a run directory");
    }
    RunDirectory run = RunDirectory.at(dir);
    Path config = run.config();
    Path metricsFile = run.metrics();
    Path historyFile = run.history();
    Path predictionsFile = run.predictions();
    if (!Files.exists(config) && !Files.exists(metricsFile) && !Files.exists(historyFile) && !Files.exists(predictionsFile)) {
      throw new InputException(dir + ": nothing to report (no config.json, metrics.json, history.csv or predictions.csv)");
    }
    EvaluationMetrics metrics = Files.exists(metricsFile) ? EvaluationMetrics.read(metricsFile) : null;

    List<Path> curves = Files.exists(historyFile) ? Charts.trainingCurves(History.read(historyFile), dir) : List.of();
    if (Files.exists(predictionsFile)) {
      LabelledPredictions p = LabelledPredictions.read(predictionsFile);
      double threshold = metrics != null ? metrics.threshold() : EvaluationMetrics.DEFAULT_THRESHOLD;
      Charts.roc(p.probabilities(), p.labels(), dir.resolve(ROC_PNG));
      Charts.confusion(BinaryMetrics.confusion(p.probabilities(), p.labels(), threshold), threshold, dir.resolve(CONFUSION_PNG));
    }

    StringBuilder html = new StringBuilder();
    String title = "pcam run " + dir.toAbsolutePath().normalize().getFileName();
    html.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(escape(title)).append("</title>\n")
        .append("<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}")
        .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 10px;text-align:left}")
        .append("img{max-width:100%;margin:0.5em 0}pre{background:#f6f6f6;padding:1em;overflow:auto}</style>\n")
        .append("</head><body>\n<h1>").append(escape(title)).append("</h1>\n");
    if (metrics != null) {
      html.append("<h2>Metrics</h2>\n<table>\n");
      appendRows(html, "", Json.MAPPER.valueToTree(metrics));
      html.append("</table>\n");
    }
    if (!curves.isEmpty()) {
      html.append("<h2>Training curves</h2>\n");
      for (Path png : curves) {
        image(html, png.getFileName().toString());
      }
    }
    List<String> evaluation = new ArrayList<>();
    for (String png : List.of(ROC_PNG, CONFUSION_PNG)) {
      if (Files.exists(dir.resolve(png))) {
        evaluation.add(png);
      }
    }
    if (!evaluation.isEmpty()) {
      html.append("<h2>ROC curve and confusion matrix</h2>\n");
      evaluation.forEach(png -> image(html, png));
    }
    if (Files.exists(config)) {
      html.append("<h2>Configuration</h2>\n<pre>").append(escape(Json.toString(readJson(config)))).append("</pre>\n");
    }
    html.append("</body></html>\n");
    Path report = run.report();
    AtomicFiles.writeString(report, html.toString());
    return report;
  }

  private static void image(StringBuilder html, String file) {
    html.append("<div><img src=\"").append(escape(file)).append("\" alt=\"").append(escape(file)).append("\"></div>\n");
  }

  private static void appendRows(StringBuilder html, String prefix, JsonNode node) {
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      if (f.getValue().isObject()) {
        appendRows(html, prefix + f.getKey() + ".", f.getValue());
      } else {
        html.append("<tr><th>").append(escape(prefix + f.getKey())).append("</th><td>")
            .append(escape(f.getValue().asText())).append("</td></tr>\n");
      }
    }
  }

  private static JsonNode readJson(Path file) {
    try {
      return Json.MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      throw new InputException(file + ": not valid JSON (" + e.getMessage() + ")", e);
    }
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
