package pcam.data;

import java.util.Iterator;

/** See {@link PatchSet#endlessBatches}. */
public final class EndlessBatches implements Iterator<Batch>, AutoCloseable {
  private final PatchSet set;
  private final BatchOptions options;
  private long seed;
  private BatchLoader pass;

  EndlessBatches(PatchSet set, BatchOptions options) {
    if (set.size() < options.batchSize()) {
      throw new IllegalArgumentException("need at least one full batch of " + options.batchSize() + ", have " + set.size());
    }
    this.set = set;
    this.options = options;
    this.seed = options.seed();
  }

  @Override
  public boolean hasNext() {
    return true;
  }

  @Override
  public Batch next() {
    while (true) {
      if (pass == null || !pass.hasNext()) {
        close();
        pass = set.batches(options.withSeed(seed++));
      }
      Batch batch = pass.next();
      if (batch.count() == options.batchSize()) {
        return batch;
      }
    }
  }

  /** The seed the next pass will use (one more than the current pass's). */
  public long nextSeed() {
    return seed;
  }

  @Override
  public void close() {
    if (pass != null) {
      pass.close();
      pass = null;
    }
  }
}
