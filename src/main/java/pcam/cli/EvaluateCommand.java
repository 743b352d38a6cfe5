package pcam.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import pcam.eval.Charts;
import pcam.eval.EvaluationMetrics;
import pcam.eval.LabelledPredictions;
import pcam.eval.Predictor;
import pcam.eval.RunReport;
import pcam.eval.Tta;
import pcam.model.SavedModelScorer;
import pcam.util.InputException;

@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description = {
      "Score a labelled set and write metrics.json (auc, accuracy, loss, n, confusion, threshold), "
          + "predictions.csv (id,label,probability), roc.png, confusion.png and report.html into --out. "
          + "Images are streamed, as in predict."
    })
public final class EvaluateCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "M", description = "Run directory (its model/ is used) or SavedModel folder.")
  private Path model;

  @Option(names = "--data", paramLabel = "DIR", description = "Kaggle layout: DIR/train_labels.csv and DIR/train/.")
  private Path data;

  @Option(names = "--labels", paramLabel = "CSV", description = "id,label CSV (overrides --data's train_labels.csv).")
  private Path labels;

  @Option(names = "--images", paramLabel = "DIR", description = "Folder of <id>.tif (overrides --data's train/).")
  private Path images;

  @Option(names = "--limit", paramLabel = "N", description = "Score only the first N rows of the labels CSV.")
  private Integer limit;

  @Option(names = "--out", paramLabel = "DIR", description = "Output folder. Default: M/evaluation for a run directory, else ./evaluation.")
  private Path out;

  @Option(names = "--threshold", defaultValue = "0.5", description = "Predict tumour when probability >= this (accuracy, confusion matrix).")
  private double threshold;

  @Option(names = "--tta", defaultValue = "none", converter = TtaConverter.class, completionCandidates = TtaConverter.class,
      description = "Test-time augmentation: none, flip or d8.")
  private Tta tta;

  @Option(names = "--batch-size", defaultValue = "64", description = "Patches per forward pass.")
  private int batchSize;

  @Option(names = "--threads", description = "Image decoding threads (default: one per core).")
  private Integer threads;

  @Option(names = "--skip-bad", description = "Leave out unreadable images (listed in the log) instead of stopping.")
  private boolean skipBad;

  @Override
  public Integer call() {
    Path labelsCsv = labels != null ? labels : requireData("--labels").resolve("train_labels.csv");
    Path imagesDir = images != null ? images : requireData("--images").resolve("train");
    if (limit != null && limit <= 0) {
      throw new InputException("--limit must be positive, got " + limit);
    }
    if (threshold < 0 || threshold > 1) {
      throw new InputException("--threshold must be within [0,1], got " + threshold);
    }
    LabelledPredictions.Labels truth = LabelledPredictions.readLabels(labelsCsv, limit);
    Predictor.requireImages(imagesDir, truth.ids(), labelsCsv);
    Predictor.Options options = PredictCommand.options(batchSize, tta, threads).withSkipBad(skipBad);
    Predictor.Predictions predictions;
    try (SavedModelScorer scorer = ModelArgument.open(model)) {
      predictions = new Predictor(scorer, options).predict(imagesDir, truth.ids());
    }
    LabelledPredictions scored = align(truth, predictions);
    Path dir = out != null ? out : ModelArgument.isRunDirectory(model) ? model.resolve("evaluation") : Path.of("evaluation");
    EvaluationMetrics metrics = scored.metrics(threshold);
    scored.write(dir.resolve(LabelledPredictions.FILE));
    metrics.write(dir.resolve("metrics.json"));
    Charts.roc(scored.probabilities(), scored.labels(), dir.resolve(RunReport.ROC_PNG));
    Charts.confusion(metrics.confusion(), threshold, dir.resolve(RunReport.CONFUSION_PNG));
    RunReport.write(dir);
    var stdout = spec.commandLine().getOut();
    stdout.println(metrics.summary());
    if (!predictions.skipped().isEmpty()) {
      stdout.printf(Locale.ROOT, "skipped %d unreadable image(s), first: %s%n", predictions.skipped().size(), predictions.skipped().get(0));
    }
    stdout.printf(Locale.ROOT, "wrote %s (metrics.json, predictions.csv, roc.png, confusion.png, report.html), %.0f img/s%n",
        dir, predictions.imagesPerSecond());
    return ExitCodes.OK;
  }

  private Path requireData(String alternative) {
    if (data == null) {
      throw new InputException("give --data DIR (Kaggle layout) or " + alternative);
    }
    return data;
  }

  /** Labels for the ids that were scored (all of them unless --skip-bad left some out). */
  private static LabelledPredictions align(LabelledPredictions.Labels truth, Predictor.Predictions predictions) {
    java.util.Map<String, Float> labelById = new java.util.HashMap<>();
    for (int i = 0; i < truth.ids().size(); i++) {
      labelById.put(truth.ids().get(i), truth.labels()[i]);
    }
    float[] labels = new float[predictions.ids().size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = labelById.get(predictions.ids().get(i));
    }
    return new LabelledPredictions(predictions.ids(), labels, predictions.probabilities());
  }
}
