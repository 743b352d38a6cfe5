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
import pcam.eval.Submission;
import pcam.model.ScoringModel;
import pcam.util.AtomicFiles;
import pcam.util.InputException;

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
public final class PredictCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Mixin private ScoringOptions scoring;

  @Option(names = "--model", required = true, paramLabel = "M",
      description = "Run directory (its model/ is used) or SavedModel folder. Repeat for an ensemble: each model scores"
          + " at its own input size and the probabilities are averaged (with --tta, over every model and transform).")
  private List<Path> models;

  @Option(names = "--images", required = true, paramLabel = "DIR", description = "Folder of <id>.tif patches (Kaggle test/).")
  private Path images;

  @Option(names = "--ids", paramLabel = "CSV", description = "CSV with an id column (Kaggle sample_submission.csv): rows in its order, every id must have an image. Default: every *.tif of --images, sorted.")
  private Path ids;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Submission CSV to write (replaced if it exists).")
  private Path out;

  @Override
  public Integer call() {
    if (Files.isDirectory(out)) {
      throw new InputException(out + ": is a directory; --out must name the submission file, e.g. " + out.resolve("submission.csv"));
    }
    AtomicFiles.requireCreatable(out, "--out");
    Predictor.Options options = scoring.toOptions();
    List<String> idList = Predictor.listIds(images, ids);
    Predictor.Predictions predictions;
    try (ScoringModel scorer = ModelArgument.openAll(models)) {
      predictions = new Predictor(scorer, options).predict(images, idList);
    }
    Submission.write(out, idList, predictions.ids(), predictions.probabilities());
    spec.commandLine().getOut().printf(Locale.ROOT,
        "wrote %s: %d ids, mean probability %.4f, %.0f img/s (tta %s, batch %d)%n",
        out, predictions.ids().size(), predictions.meanProbability(), predictions.imagesPerSecond(), scoring.tta.label(), scoring.batchSize);
    return ExitCodes.OK;
  }
}
