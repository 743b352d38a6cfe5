package pcam.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import pcam.model.SavedModelScorer;
import pcam.train.RunDirectory;
import pcam.util.InputException;
import pcam.util.PathGuard;

/** The {@code --model M} convention: M is a run directory (its {@code model/} is used) or a SavedModel folder. */
final class ModelArgument {
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
    return SavedModelScorer.load(savedModelDir(m));
  }

  /** True when M is a run directory rather than a bare SavedModel. */
  static boolean isRunDirectory(Path m) {
    return !Files.isRegularFile(m.resolve("saved_model.pb")) && Files.isRegularFile(RunDirectory.at(m).model().resolve("saved_model.pb"));
  }
}
