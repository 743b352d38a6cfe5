package pcam.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pcam.interop.SavedModelInspector;
import pcam.interop.ScoringSetup;
import pcam.data.PatchReader;
import pcam.model.EnsembleModel;
import pcam.model.SavedModelScorer;
import pcam.model.ScoringModel;
import pcam.model.ServingSpec;
import pcam.run.RunDirectory;
import pcam.util.InputException;
import pcam.util.PathGuard;

/** The {@code --model M} convention: M is a run directory (its {@code model/} is used) or a SavedModel folder. */
final class ModelArgument {
  /** Help of a repeatable {@code --model} (predict, evaluate). */
  static final String ENSEMBLE_HELP = "Run directory (its model/ is used) or SavedModel folder. Repeat for an ensemble: each"
      + " model scores at its own input size and input scale (its stored scoring choices; flags given here apply to all),"
      + " and the probabilities are averaged (with --tta, over every model and transform).";

  private static final Logger LOG = LoggerFactory.getLogger(ModelArgument.class);

  private ModelArgument() {}

  static Path savedModelDir(Path m) {
    if (Files.isRegularFile(m.resolve("saved_model.pb"))) {
      return m;
    }
    Path inRun = RunDirectory.at(m).model();
    if (Files.isRegularFile(inRun.resolve("saved_model.pb"))) {
      return inRun;
    }
    if (!Files.exists(m)) {
      throw new InputException(m + ": no such model (expected a run directory or a SavedModel folder)");
    }
    throw new InputException(m + ": neither a SavedModel (no saved_model.pb) nor a run directory (no model/saved_model.pb)");
  }

  /** The folder {@code --model M} reads, without failing when it is missing (the command reports that). */
  static PathGuard.Role input(String flag, Path m) {
    return PathGuard.Role.of(flag, isRunDirectory(m) ? RunDirectory.at(m).model() : m);
  }

  static SavedModelScorer open(Path m) {
    return open(m, ScoringSetup.Choices.NONE);
  }

  /**
   * Loads M to score as the graph, the stored choices and {@code choices} say (see {@link
   * ScoringSetup}); logs how, stores new choices beside the model, and fails with the flags still
   * needed. Nothing is written unless the model and the choices check out.
   */
  static SavedModelScorer open(Path m, ScoringSetup.Choices choices) {
    return load(prepare(m, choices));
  }

  /** A model folder and how to score it, resolved and checked, nothing loaded or written yet. */
  private record Prepared(Path dir, ScoringSetup setup, ServingSpec spec) {}

  private static Prepared prepare(Path m, ScoringSetup.Choices choices) {
    Path dir = savedModelDir(m);
    ScoringSetup setup = ScoringSetup.resolve(dir, SavedModelInspector.inspect(dir), choices);
    return new Prepared(dir, setup, setup.requireSpec(dir));
  }

  private static SavedModelScorer load(Prepared p) {
    SavedModelScorer scorer = SavedModelScorer.load(p.dir(), p.spec(), null);
    p.setup().lines().forEach(line -> LOG.info("model {}", line));
    p.setup().warnings().forEach(warning -> LOG.warn("model {}", warning));
    try {
      p.setup().remember(p.dir()).ifPresent(file -> LOG.info("stored these choices in {}{}", file,
          file.startsWith(p.dir()) ? "" : " (the model folder is read-only)"));
    } catch (RuntimeException e) {
      scorer.close();
      throw e;
    }
    return scorer;
  }

  /** {@link #input} for each of several {@code --model}s. */
  static List<PathGuard.Role> inputs(String flag, List<Path> models) {
    return models.stream().map(m -> input(flag, m)).toList();
  }

  /** The model, or the ensemble's models, for messages. */
  static String describe(List<Path> models) {
    return models.size() == 1 ? models.get(0).toString() : "the ensemble of " + models;
  }

  /**
   * One {@code --model}: that model; several: their {@link EnsembleModel} (probabilities averaged,
   * each model at its own input size, with its own stored choices, {@code choices} applied to
   * all). All are checked to exist, and their choices to fit, before any is loaded or stored.
   */
  static ScoringModel openAll(List<Path> models, ScoringSetup.Choices choices) {
    models.forEach(ModelArgument::savedModelDir);
    if (models.size() == 1) {
      return open(models.get(0), choices);
    }
    // Every model's choices are checked before any model is loaded or any choice stored.
    List<Prepared> prepared = models.stream().map(m -> prepare(m, choices)).toList();
    List<ScoringModel> opened = new ArrayList<>();
    try {
      for (Prepared p : prepared) {
        opened.add(load(p));
      }
    } catch (RuntimeException e) {
      opened.forEach(ScoringModel::close);
      throw e;
    }
    return new EnsembleModel(opened, PatchReader.SIZE, PatchReader.SIZE);
  }

  /** True when M is a run directory rather than a bare SavedModel. */
  static boolean isRunDirectory(Path m) {
    return !Files.isRegularFile(m.resolve("saved_model.pb")) && Files.isRegularFile(RunDirectory.at(m).model().resolve("saved_model.pb"));
  }
}
