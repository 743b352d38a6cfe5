package pcam.data;

/** Loading facade used by the commands: read, clean, subset and split a labelled dataset. */
public final class Datasets {
  private Datasets() {}

  /** Train and validation sets ({@code validation} is empty when valFraction is 0). */
  public record Split(PatchSet train, PatchSet validation) {}

  /** Reads, cleans and subsets the dataset, then splits it (stratified, seeded). */
  public static Split loadSplit(DataSpec spec) {
    throw new UnsupportedOperationException("TODO(data branch): implement loading");
  }

  /** Reads, cleans and subsets the dataset without splitting. */
  public static PatchSet loadLabelled(DataSpec spec) {
    throw new UnsupportedOperationException("TODO(data branch): implement loading");
  }
}
