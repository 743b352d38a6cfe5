package pcam.train;

import java.nio.file.Path;
import pcam.data.DataSpec;

/**
 * What any training run's config.json gives the one run flow ({@code train}, {@code finetune} and
 * each sweep cell): the loop's plan, the data, where to run, and how to save itself. The model
 * source differs ({@link RunConfig}: a cnn3/cnn9 spec; {@code FinetuneConfig}: a SavedModel).
 */
public interface RunSpec {
  /** The loop's part; batches are assembled on {@code loaderThreads} background threads. */
  TrainingPlan plan(int loaderThreads);

  DataSpec data();

  /** auto | cpu | gpu | gpu:N */
  String device();

  /** TensorFlow intra/inter-op threads; 0 = TensorFlow's default. */
  int threads();

  /** Writes config.json into {@code runDir} (a new run only; --resume reads it back). */
  void save(Path runDir);
}
