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
import pcam.data.PatchSource;
import pcam.data.SourceSpec;
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
      description = ModelArgument.ENSEMBLE_HELP)
  private List<Path> models;

  @Mixin private SourceOptions source;

  @Option(names = "--ids", paramLabel = "CSV", description = "For a folder of .tif: a CSV with an id column (Kaggle sample_submission.csv): rows in its order, every id must have an image. Default: every *.tif of --images, sorted (--data DIR: DIR/test with DIR/sample_submission.csv when present).")
  private Path ids;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Submission CSV to write (an earlier submission there is replaced; any other file is left alone).")
  private Path out;

  @Override
  public List<PathGuard.Role> inputs() {
    List<PathGuard.Role> roles = new java.util.ArrayList<>(ModelArgument.inputs("--model", models));
    roles.addAll(source.inputs());
    roles.addAll(List.of(PathGuard.Role.of("--ids", ids), scoring.model.classNames()));
    return roles;
  }

  @Override
  public List<PathGuard.Role> outputs() {
    return List.of(PathGuard.Role.of("--out", out));
  }

  /** The patches to score: the source flags, with --ids for a folder. */
  private SourceSpec scored() {
    SourceSpec where = source.scoringSource();
    if (ids == null) {
      return where;
    }
    if (where.isHdf5()) {
      throw new InputException("--ids applies to a folder of .tif; an HDF5 file is scored by row index");
    }
    return new SourceSpec(where.images(), null, ids);
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
    SourceSpec where = scored();
    List<String> idList;
    Predictor.Predictions predictions;
    try (PatchSource patches = where.open(); ScoringModel scorer = ModelArgument.openAll(models, scoring.model.toChoices())) {
      idList = patches.ids();
      predictions = new Predictor(scorer, options).predict(patches, null);
    }
    BinaryMetrics.requireFinite(predictions.probabilities(), predictions.ids(), ModelArgument.describe(models));
    Submission.write(out, idList, predictions.ids(), predictions.probabilities());
    spec.commandLine().getOut().printf(Locale.ROOT,
        "wrote %s: %d ids, mean probability %.4f, %.0f img/s (tta %s, batch %d)%n",
        out, predictions.ids().size(), predictions.meanProbability(), predictions.imagesPerSecond(), scoring.tta.label(), scoring.batchSize);
    return ExitCodes.OK;
  }
}
