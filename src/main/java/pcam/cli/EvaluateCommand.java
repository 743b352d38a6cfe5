package pcam.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import pcam.data.DataSpec;
import pcam.data.Datasets;
import pcam.data.PatchSource;
import pcam.data.PatchSet;
import pcam.eval.BinaryMetrics;
import pcam.eval.Charts;
import pcam.eval.EvaluationMetrics;
import pcam.eval.LabelledPredictions;
import pcam.eval.Predictor;
import pcam.eval.RunReport;
import pcam.model.ScoringModel;
import pcam.run.RunDirectory;
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
      "--subset all (the default) streams every row of the labels (after --limit), as predict does: "
          + "memory stays bounded and nothing is cleaned away. --subset validation or train loads the data "
          + "as train does (cleaning, --sample, the stratified --val-fraction split with --seed) and scores "
          + "that part, so with train's data flags it is exactly the run's validation set.",
      "",
      "With PCam's HDF5 files, --split picks the file (e.g. --data DIR --split test); predictions.csv is keyed by "
          + "row index and gets wsi, coord_y and coord_x when the split's *_meta.csv sits beside it."
    })
public final class EvaluateCommand implements Callable<Integer>, UsesFiles {
  enum Subset { all, validation, train }

  @Spec private CommandSpec spec;

  @Mixin private ScoringOptions scoring;

  @Option(names = "--model", required = true, paramLabel = "M",
      description = ModelArgument.ENSEMBLE_HELP)
  private List<Path> models;

  @Mixin private DataOptions data;

  @Option(names = "--subset", defaultValue = "all", description = "${COMPLETION-CANDIDATES} (see above).")
  private Subset subset;

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
    if (subset != Subset.all && dataSpec.valFraction() == 0) {
      throw new InputException("--subset " + subset + " needs --val-fraction > 0");
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
    PatchSource.Meta meta = null;
    try (ScoringModel scorer = ModelArgument.openAll(models, scoring.model.toChoices())) {
      Predictor predictor = new Predictor(scorer, options);
      if (subset == Subset.all) {
        try (PatchSource source = dataSpec.source().open()) {
          if (!source.labelled()) {
            throw new InputException(source.describe() + ": no labels to evaluate against; give --labels");
          }
          Predictor.Predictions p = predictor.predict(source, rowsToScore(source, dataSpec));
          Map<String, Integer> rowOf = new HashMap<>();
          for (int i = 0; i < source.size(); i++) {
            rowOf.put(source.ids().get(i), i);
          }
          float[] labels = new float[p.ids().size()];
          for (int i = 0; i < labels.length; i++) {
            labels[i] = source.label(rowOf.get(p.ids().get(i)));
          }
          scored = new LabelledPredictions(p.ids(), labels, p.probabilities());
          meta = source.meta().orElse(null);
          skipped = p.skipped();
          imagesPerSecond = p.imagesPerSecond();
        }
      } else {
        Datasets.Split parts = Datasets.loadSplit(dataSpec);
        PatchSet set = subset == Subset.validation ? parts.validation() : parts.train();
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
    scored.write(RunDirectory.at(dir).predictions(), meta);
    metrics.write(RunDirectory.at(dir).metrics());
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

  /** The rows after --limit; rows without an image fail, or are dropped with --skip-missing. */
  private static int[] rowsToScore(PatchSource source, DataSpec spec) {
    int n = spec.limit() != null ? Math.min(spec.limit(), source.size()) : source.size();
    int[] rows = IntStream.range(0, n).filter(source::present).toArray();
    if (rows.length < n && !spec.skipMissing()) {
      int first = IntStream.range(0, n).filter(i -> !source.present(i)).findFirst().orElseThrow();
      throw new InputException(spec.labels() + ": " + (n - rows.length) + " of " + n + " ids have no image in "
          + source.describe() + " (first: " + source.nameOf(first) + "); --skip-missing scores the rest");
    }
    if (rows.length == 0) {
      throw new InputException(spec.labels() + ": no rows to score");
    }
    return rows;
  }
}
