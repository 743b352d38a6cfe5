package pcam.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import pcam.eval.Predictor;
import pcam.eval.BinaryMetrics;
import pcam.eval.Submission;
import pcam.model.ScoringModel;
import pcam.util.AtomicFiles;
import pcam.util.InputException;
import pcam.util.PathGuard;

@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description = {
      "Score a folder of patches into a Kaggle submission (id,label with label = probability of tumour). "
          + "The folder is streamed: memory stays bounded whatever its size. Every id is scored exactly once; "
          + "an unreadable image stops the run and is named, because a submission missing ids is useless. "
          + "The file is written atomically: an existing one is replaced only by a complete, validated one."
    })
public final class PredictCommand implements Callable<Integer>, UsesFiles {
  @Spec private CommandSpec spec;

  @Mixin private ScoringOptions scoring;

  @Option(names = "--model", required = true, paramLabel = "M",
      description = "Run directory (its model/ is used) or SavedModel folder. Repeat for an ensemble: each model scores"
          + " at its own input size and input scale (its stored scoring choices; flags given here apply to all), and the"
          + " probabilities are averaged (with --tta, over every model and transform).")
  private List<Path> models;

  @Option(names = "--images", required = true, paramLabel = "DIR", description = "Folder of <id>.tif patches (Kaggle test/).")
  private Path images;

  @Option(names = "--ids", paramLabel = "CSV", description = "CSV with an id column (Kaggle sample_submission.csv): rows in its order, every id must have an image. Default: every *.tif of --images, sorted.")
  private Path ids;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Submission CSV to write (an earlier submission there is replaced; any other file is left alone).")
  private Path out;

  @Override
  public List<PathGuard.Role> inputs() {
    List<PathGuard.Role> roles = new java.util.ArrayList<>(ModelArgument.inputs("--model", models));
    roles.addAll(List.of(PathGuard.Role.of("--images", images), PathGuard.Role.of("--ids", ids), scoring.model.classNames()));
    return roles;
  }

  @Override
  public List<PathGuard.Role> outputs() {
    return List.of(PathGuard.Role.of("--out", out));
  }

  @Override
  public Integer call() {
    if (Files.isDirectory(out)) {
      throw new InputException(out + ": is a directory; --out must name the submission file, e.g. " + out.resolve("submission.csv"));
    }
    AtomicFiles.requireCreatable(out, "--out");
    if (Files.isRegularFile(out) && !Submission.isSubmission(out)) {
      throw new InputException("--out " + out + " exists and is not a submission (no id,label header); pcam replaces only"
          + " files it wrote, choose another --out");
    }
    Predictor.Options options = scoring.toOptions();
    List<String> idList = Predictor.listIds(images, ids);
    Predictor.Predictions predictions;
    try (ScoringModel scorer = ModelArgument.openAll(models, scoring.model.toChoices())) {
      predictions = new Predictor(scorer, options).predict(images, idList);
    }
    BinaryMetrics.requireFinite(predictions.probabilities(), predictions.ids(), ModelArgument.describe(models));
    Submission.write(out, idList, predictions.ids(), predictions.probabilities());
    spec.commandLine().getOut().printf(Locale.ROOT,
        "wrote %s: %d ids, mean probability %.4f, %.0f img/s (tta %s, batch %d)%n",
        out, predictions.ids().size(), predictions.meanProbability(), predictions.imagesPerSecond(), scoring.tta.label(), scoring.batchSize);
    return ExitCodes.OK;
  }
}
