package pcam.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import pcam.data.DataSpec;
import pcam.data.Datasets;
import pcam.data.LabelsCsv;
import pcam.data.PatchSet;
import pcam.eval.BinaryMetrics;
import pcam.eval.Charts;
import pcam.eval.EvaluationMetrics;
import pcam.eval.LabelledPredictions;
import pcam.eval.Predictor;
import pcam.eval.RunReport;
import pcam.model.ScoringModel;
import pcam.util.AtomicFiles;
import pcam.train.RunDirectory;
import pcam.util.InputException;
import pcam.util.PathGuard;

@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    sortOptions = false,
    description = {
      "Score a labelled set and write metrics.json (auc, accuracy, loss, n, confusion, threshold), "
          + "predictions.csv (id,label,probability), roc.png, confusion.png and report.html into --out.",
      "",
      "--split all (the default) streams every row of the labels CSV (after --limit), as predict does: "
          + "memory stays bounded and nothing is cleaned away. --split validation or train loads the data "
          + "as train does (cleaning, --sample, the stratified --val-fraction split with --seed) and scores "
          + "that part, so with train's data flags it is exactly the run's validation set."
    })
public final class EvaluateCommand implements Callable<Integer>, UsesFiles {
  enum Split { all, validation, train }

  @Spec private CommandSpec spec;

  @Mixin private ScoringOptions scoring;

  @Option(names = "--model", required = true, paramLabel = "M",
      description = "Run directory (its model/ is used) or SavedModel folder. Repeat for an ensemble: each model scores"
          + " at its own input size and input scale (its stored scoring choices; flags given here apply to all), and the"
          + " probabilities are averaged (with --tta, over every model and transform).")
  private List<Path> models;

  @Mixin private DataOptions data;

  @Option(names = "--split", defaultValue = "all", description = "all, validation or train (see above).")
  private Split split;

  @Option(names = "--out", paramLabel = "DIR", description = "Output folder. Default: M/evaluation for one run directory, else ./evaluation.")
  private Path out;

  @Option(names = "--threshold", defaultValue = "0.5", description = "Predict tumour when probability >= this (accuracy, confusion matrix).")
  private double threshold;

  @Override
  public Integer call() {
    DataSpec dataSpec = data.toSpec();
    if (!(threshold >= 0 && threshold <= 1)) { // NaN fails too
      throw new InputException("--threshold must be within [0,1], got " + threshold);
    }
    if (split != Split.all && dataSpec.valFraction() == 0) {
      throw new InputException("--split " + split + " needs --val-fraction > 0");
    }
    Predictor.Options options = scoring.toOptions().withSkipBad(dataSpec.skipBad());
    Path dir = outDir();
    // A new, empty or earlier evaluation folder only, held for the run: never a training run or someone's files.
    try (RunDirectory.Lock lock = RunDirectory.at(dir).claimFolder("--out")) {
      return evaluate(dataSpec, options, dir);
    }
  }

  private int evaluate(DataSpec dataSpec, Predictor.Options options, Path dir) {
    LabelledPredictions scored;
    List<String> skipped;
    double imagesPerSecond;
    try (ScoringModel scorer = ModelArgument.openAll(models, scoring.model.toChoices())) {
      Predictor predictor = new Predictor(scorer, options);
      if (split == Split.all) {
        Labels truth = readLabels(dataSpec);
        Predictor.Predictions p = predictor.predict(dataSpec.imagesDir(), truth.ids());
        scored = new LabelledPredictions(p.ids(), truth.labelsOf(p.ids()), p.probabilities());
        skipped = p.skipped();
        imagesPerSecond = p.imagesPerSecond();
      } else {
        Datasets.Split parts = Datasets.loadSplit(dataSpec);
        PatchSet set = split == Split.validation ? parts.validation() : parts.train();
        Predictor.Predictions p = predictor.predict(set);
        float[] labels = new float[set.size()];
        for (int i = 0; i < labels.length; i++) {
          labels[i] = set.label(i);
        }
        scored = new LabelledPredictions(p.ids(), labels, p.probabilities());
        skipped = List.of();
        imagesPerSecond = p.imagesPerSecond();
      }
    }
    BinaryMetrics.requireFinite(scored.probabilities(), scored.ids(), ModelArgument.describe(models)); // before anything is written
    EvaluationMetrics metrics = scored.metrics(threshold);
    scored.write(dir.resolve(LabelledPredictions.FILE));
    metrics.write(dir.resolve(RunReport.METRICS));
    Charts.roc(scored.probabilities(), scored.labels(), dir.resolve(RunReport.ROC_PNG));
    Charts.confusion(metrics.confusion(), threshold, dir.resolve(RunReport.CONFUSION_PNG));
    RunReport.write(dir);
    var stdout = spec.commandLine().getOut();
    stdout.println(metrics.summary());
    if (!skipped.isEmpty()) {
      stdout.printf(Locale.ROOT, "skipped %d unreadable image(s), first: %s%n", skipped.size(), skipped.get(0));
    }
    stdout.printf(Locale.ROOT, "wrote %s (metrics.json, predictions.csv, roc.png, confusion.png, report.html), %.0f img/s%n",
        dir, imagesPerSecond);
    return ExitCodes.OK;
  }

  private Path outDir() {
    return out != null ? out
        : models.size() == 1 && ModelArgument.isRunDirectory(models.get(0)) ? models.get(0).resolve("evaluation") : Path.of("evaluation");
  }

  @Override
  public List<PathGuard.Role> inputs() {
    List<PathGuard.Role> roles = new java.util.ArrayList<>(data.inputs());
    roles.addAll(ModelArgument.inputs("--model", models));
    roles.add(scoring.model.classNames());
    return roles;
  }

  @Override
  public List<PathGuard.Role> outputs() {
    return List.of(PathGuard.Role.of("--out", outDir()));
  }

  private record Labels(List<String> ids, Map<String, Float> byId) {
    float[] labelsOf(List<String> scoredIds) {
      float[] labels = new float[scoredIds.size()];
      for (int i = 0; i < labels.length; i++) {
        labels[i] = byId.get(scoredIds.get(i));
      }
      return labels;
    }
  }

  /** The CSV's rows after --limit; ids without an image fail, or are dropped with --skip-missing. */
  private static Labels readLabels(DataSpec spec) {
    List<LabelsCsv.Row> rows = LabelsCsv.readLabels(spec.labelsCsv());
    if (spec.limit() != null && spec.limit() < rows.size()) {
      rows = rows.subList(0, spec.limit());
    }
    if (spec.skipMissing()) {
      rows = rows.stream().filter(r -> Files.isRegularFile(spec.imagesDir().resolve(r.id() + ".tif"))).toList();
    }
    if (rows.isEmpty()) {
      throw new InputException(spec.labelsCsv() + ": no rows to score");
    }
    List<String> ids = rows.stream().map(LabelsCsv.Row::id).toList();
    Predictor.requireImages(spec.imagesDir(), ids, spec.labelsCsv());
    Map<String, Float> byId = new HashMap<>();
    rows.forEach(r -> byId.put(r.id(), (float) r.label()));
    return new Labels(ids, byId);
  }
}
