package pcam.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import pcam.data.PatchReader;
import pcam.model.EnsembleModel;
import pcam.model.SavedModelScorer;
import pcam.model.ScoringModel;
import pcam.util.InputException;

/** The {@code --model M} convention: M is a run directory (its {@code model/} is used) or a SavedModel folder. */
final class ModelArgument {
  private ModelArgument() {}

  static Path savedModelDir(Path m) {
    if (Files.isRegularFile(m.resolve("saved_model.pb"))) {
      return m;
    }
    Path inRun = m.resolve("model");
    if (Files.isRegularFile(inRun.resolve("saved_model.pb"))) {
      return inRun;
    }
    if (!Files.exists(m)) {
      throw new InputException(m + ": no such model (expected a run directory or a SavedModel folder)");
    }
    throw new InputException(m + ": neither a SavedModel (no saved_model.pb) nor a run directory (no model/saved_model.pb)");
  }

  static SavedModelScorer open(Path m) {
    return SavedModelScorer.load(savedModelDir(m));
  }

  /**
   * One {@code --model}: that model; several: their {@link EnsembleModel} (probabilities averaged,
   * each model at its own input size). All are checked to exist before any is loaded.
   */
  static ScoringModel openAll(List<Path> models) {
    models.forEach(ModelArgument::savedModelDir);
    if (models.size() == 1) {
      return open(models.get(0));
    }
    List<ScoringModel> opened = new ArrayList<>();
    try {
      for (Path m : models) {
        opened.add(open(m));
      }
    } catch (RuntimeException e) {
      opened.forEach(ScoringModel::close);
      throw e;
    }
    return new EnsembleModel(opened, PatchReader.SIZE, PatchReader.SIZE);
  }

  /** True when M is a run directory rather than a bare SavedModel. */
  static boolean isRunDirectory(Path m) {
    return !Files.isRegularFile(m.resolve("saved_model.pb")) && Files.isRegularFile(m.resolve("model").resolve("saved_model.pb"));
  }
}
