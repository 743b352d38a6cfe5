package pcam.train;

import java.nio.file.Path;
import pcam.data.DataSpec;
import pcam.model.ModelSource;

/**
 * What any training run's config.json gives the one run flow ({@code train}, {@code finetune} and
 * each sweep cell): the model source, the loop's plan, the data, where to run, and how to save
 * itself. The two config.json layouts stay as they were ({@link RunConfig} for cnn3/cnn9,
 * {@code FinetuneConfig} for a SavedModel), so old run folders still resume.
 */
public interface RunSpec {
  /** The loop's part; batches are assembled on {@code loaderThreads} background threads. */
  TrainingPlan plan(int loaderThreads);

  /** The model the run trains: built from a spec, or loaded from a SavedModel. */
  ModelSource source();

  DataSpec data();

  /** auto | cpu | gpu | gpu:N */
  String device();

  /** TensorFlow intra/inter-op threads; 0 = TensorFlow's default. */
  int threads();

  /** Writes config.json into {@code runDir} (a new run only; --resume reads it back). */
  void save(Path runDir);
}
