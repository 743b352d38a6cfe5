package pcam.data;

/**
 * How {@link PatchSet#batches} cuts a set into batches.
 *
 * @param batchSize patches per batch (the last of a pass may be smaller)
 * @param shuffle visit the rows in a seeded random order (training) or in order (scoring)
 * @param augmentation applied per patch; {@link Augmentation#NONE} for validation and scoring
 * @param seed the order and augmentation stream; pass a different one per epoch
 * @param threads background threads assembling batches
 * @param prefetch how many batches to prepare ahead of the consumer
 */
public record BatchOptions(int batchSize, boolean shuffle, Augmentation augmentation, long seed, int threads, int prefetch) {
  public BatchOptions {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
    }
  }

  /** In set order, unaugmented: validation and scoring. */
  public static BatchOptions inOrder(int batchSize, int threads, int prefetch) {
    return new BatchOptions(batchSize, false, Augmentation.NONE, 0, threads, prefetch);
  }

  /** Shuffled and augmented from {@code seed}: one training epoch. */
  public static BatchOptions training(int batchSize, Augmentation augmentation, long seed, int threads, int prefetch) {
    return new BatchOptions(batchSize, true, augmentation, seed, threads, prefetch);
  }

  public BatchOptions withSeed(long newSeed) {
    return new BatchOptions(batchSize, shuffle, augmentation, newSeed, threads, prefetch);
  }
}
