package pcam.cli;

import pcam.eval.Predictor;
import pcam.eval.Tta;
import pcam.util.InputException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How patches are scored, shared by {@code predict} and {@code evaluate} (mix in with {@code @Mixin}). */
public final class ScoringOptions {
  @Mixin ModelChoiceOptions model;

  @Option(names = "--tta", paramLabel = "MODE", defaultValue = "none", converter = TtaConverter.class,
      completionCandidates = TtaConverter.class,
      description = "Test-time augmentation, probabilities averaged: none, flip (4 flips) or d8 (8 dihedral"
          + " transforms). Costs 1, 4 or 8 forward passes.")
  Tta tta;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "64", description = "Patches per forward pass.")
  int batchSize;

  @Option(names = "--threads", paramLabel = "N", description = "Image decoding threads (default: one per core).")
  private Integer threads;

  Predictor.Options toOptions() {
    if (batchSize <= 0) {
      throw new InputException("--batch-size must be positive, got " + batchSize);
    }
    Predictor.Options defaults = Predictor.Options.defaults(batchSize, tta);
    if (threads == null) {
      return defaults;
    }
    if (threads <= 0) {
      throw new InputException("--threads must be positive, got " + threads);
    }
    return new Predictor.Options(batchSize, tta, threads, 2 * threads, false);
  }
}
