package pcam.cli;

import pcam.eval.Predictor;
import pcam.eval.Tta;
import pcam.util.InputException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How patches are scored, shared by {@code predict} and {@code evaluate} (mix in with {@code @Mixin}). */
public final class ScoringOptions {
  @Mixin ModelChoiceOptions model;

  @Option(names = "--tta", paramLabel = "MODE", defaultValue = "none", 
      description = "Test-time augmentation, probabilities averaged: none, flip (4 flips) or d8 (8 dihedral"
          + " transforms). Costs 1, 4 or 8 forward passes.")
  Tta tta;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "64", description = "Patches per forward pass.")
  int batchSize;

  // --threads means TensorFlow threads on every command that has it (train, finetune, bench); these are ours.
  @Option(names = "--loader-threads", paramLabel = "N",
      description = "Threads decoding and assembling batches while the model scores (default: one per core).")
  private Integer loaderThreads;

  Predictor.Options toOptions() {
    if (batchSize <= 0) {
      throw new InputException("--batch-size must be positive, got " + batchSize);
    }
    Predictor.Options defaults = Predictor.Options.defaults(batchSize, tta);
    if (loaderThreads == null) {
      return defaults;
    }
    if (loaderThreads <= 0) {
      throw new InputException("--loader-threads must be positive, got " + loaderThreads);
    }
    return new Predictor.Options(batchSize, tta, loaderThreads, 2 * loaderThreads, false);
  }
}
