package pcam.data;

import java.nio.file.Path;

/** Test helper: a DataSpec builder (Kaggle layout, val 0.1, seed 42, default thresholds, no cache). */
final class Specs {
  private Path labels;
  private Path images;
  private Integer limit;
  private Integer sample;
  private boolean skipMissing;
  private boolean skipBad;
  private boolean cache;

  static Specs kaggle(Path dir) {
    Specs s = new Specs();
    s.labels = dir.resolve("train_labels.csv");
    s.images = dir.resolve("train");
    return s;
  }

  Specs labels(Path csv) { labels = csv; return this; }
  Specs images(Path dir) { images = dir; return this; }
  Specs limit(int n) { limit = n; return this; }
  Specs sample(int n) { sample = n; return this; }
  Specs skipMissing() { skipMissing = true; return this; }
  Specs skipBad() { skipBad = true; return this; }
  Specs cache() { cache = true; return this; }

  DataSpec build() {
    return new DataSpec(labels, images, limit, sample, 0.1, 42, DataSpec.DEFAULT_DARK_THRESHOLD,
        DataSpec.DEFAULT_BRIGHT_THRESHOLD, skipMissing, skipBad, cache);
  }
}
